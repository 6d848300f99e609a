import type { ActionFunctionArgs } from "@remix-run/node";
import { acceptWebhook } from "../webhooks/accept.server";
import { planDispute } from "../guarantee/disputes.server";

// disputes/create and disputes/update: validated and enqueued to be recorded.
export const action = ({ request }: ActionFunctionArgs) => acceptWebhook(request, planDispute);
