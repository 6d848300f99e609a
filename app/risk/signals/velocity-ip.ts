import { velocitySignal } from "./velocity";

export const velocityIp = velocitySignal("ip");
