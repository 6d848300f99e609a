import type { ActionFunctionArgs } from "@remix-run/node";
import { acceptWebhook } from "../webhooks/accept.server";

// orders/updated: verified and recorded; re-screening on address change arrives with the order pipeline.
export const action = ({ request }: ActionFunctionArgs) => acceptWebhook(request);
