import type { ActionFunctionArgs } from "@remix-run/node";
import { acceptWebhook } from "../webhooks/accept.server";
import { planCompliance } from "../compliance/compliance.server";

// customers/data_request, customers/redact, shop/redact: validated and enqueued (export, erasure).
export const action = ({ request }: ActionFunctionArgs) => acceptWebhook(request, planCompliance);
