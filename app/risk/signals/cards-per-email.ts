import { cardsPerSignal } from "./distinct";

/** Prior 0.4 log-odds per unit of log2(1 + n) (docs/risk-engine.md). */
export const cardsPerEmail = cardsPerSignal("email", 0.4);
