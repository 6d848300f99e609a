import { velocitySignal } from "./velocity";

export const velocityEmail = velocitySignal("email");
