import { velocitySignal } from "./velocity";

export const velocityDevice = velocitySignal("device");
