import { velocitySignal } from "./velocity";

export const velocityPhone = velocitySignal("phone");
