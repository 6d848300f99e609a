import { velocitySignal } from "./velocity";

export const velocityAddress = velocitySignal("address");
