# Production image, as Shopify's Remix app template ships one: builds the app and runs `npm start`
# (migrations, then scripts/serve.mjs: the web server, with the job worker in the same process unless
# HOLDFAST_WORKER=off). The same image runs separate workers with `npm run worker`.
# Environment (validated at start-up by app/env.server.ts; see .env.example and README "Production"):
#   SHOPIFY_API_KEY, SHOPIFY_API_SECRET, SHOPIFY_APP_URL (required); DATABASE_URL (PostgreSQL for
#   several processes; unset = SQLite file inside the container, one process); SCOPES, PORT,
#   HOLDFAST_WORKER, HOLDFAST_WORKER_CONCURRENCY, HOLDFAST_SHUTDOWN_GRACE_MS (optional).
FROM node:20-bookworm-slim

WORKDIR /app
EXPOSE 3000

# Everything `npm ci` needs: its postinstall generates the Prisma clients and Admin API types.
COPY . .
# Build with the dev dependencies (Vite, Remix, codegen), then drop the build-time SQLite file the
# postinstall's migration created: the database belongs to the running container's DATABASE_URL.
RUN npm ci --no-audit --no-fund \
  && npm run build \
  && rm -f prisma/*.sqlite prisma/*.sqlite-*

ENV NODE_ENV=production PORT=3000
# npm start: migrations (PostgreSQL with Holdfast's runner under an advisory lock), then `exec node
# scripts/serve.mjs`, so SIGTERM reaches Node and the shutdown grace applies (docs/decisions/009-shutdown.md).
CMD ["npm", "start"]
