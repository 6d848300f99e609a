import type { ActionFunctionArgs } from "@remix-run/node";
import { acceptWebhook } from "../webhooks/accept.server";

// orders/create: verified and recorded; screening is enqueued from here once the order pipeline lands.
export const action = ({ request }: ActionFunctionArgs) => acceptWebhook(request);
