import type { ActionFunctionArgs } from "@remix-run/node";
import { acceptWebhook } from "../webhooks/accept.server";
import { planOrderUpdated } from "../screening/intake.server";

// orders/updated: re-screens an approved order whose shipping address changed; anything else is ignored.
export const action = ({ request }: ActionFunctionArgs) => acceptWebhook(request, planOrderUpdated);
