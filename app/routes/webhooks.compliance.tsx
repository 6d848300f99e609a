import type { ActionFunctionArgs } from "@remix-run/node";
import { acceptWebhook } from "../webhooks/accept.server";

// customers/data_request, customers/redact, shop/redact: verified and recorded, so none is lost;
// the data export and erasure are built with the order pipeline (the only place customer data is stored).
export const action = ({ request }: ActionFunctionArgs) => acceptWebhook(request);
