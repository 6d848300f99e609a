// /app/claims.csv: this shop's claims as a CSV file (optionally one state), for the claims page's
// export. Authenticated like every page (the session token); never another shop's rows.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { authenticate } from "../shopify.server";
import { db } from "../db.server";
import { claimsCsv, parseClaimsQuery } from "../staff/claims.server";
import { badRequest } from "../staff/route-helpers.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  let query;
  try {
    query = parseClaimsQuery(new URL(request.url).searchParams);
  } catch {
    badRequest("claims.error.bad_query");
  }
  const csv = await claimsCsv(db, session.shop, query.state);
  const day = new Date().toISOString().slice(0, 10);
  return new Response(csv, {
    status: 200,
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="holdfast-claims-${day}.csv"`,
      "Cache-Control": "no-store",
    },
  });
};
