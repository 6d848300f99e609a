import { velocitySignal } from "./velocity";

export const velocityCustomer = velocitySignal("customer");
