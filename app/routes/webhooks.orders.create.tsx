import type { ActionFunctionArgs } from "@remix-run/node";
import { acceptWebhook } from "../webhooks/accept.server";
import { planOrderCreate } from "../screening/intake.server";

// orders/create: validated, deduplicated and enqueued for screening in one transaction.
export const action = ({ request }: ActionFunctionArgs) => acceptWebhook(request, planOrderCreate);
