import { velocitySignal } from "./velocity";

export const velocityCard = velocitySignal("card");
