import type { ActionFunctionArgs } from "@remix-run/node";
import { acceptWebhook } from "../webhooks/accept.server";

// disputes/create and disputes/update: verified and recorded; guarantee claims arrive with the guarantee work.
export const action = ({ request }: ActionFunctionArgs) => acceptWebhook(request);
