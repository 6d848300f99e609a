import { cardsPerSignal } from "./distinct";

/** Prior 0.5 log-odds per unit of log2(1 + n) (docs/risk-engine.md). */
export const cardsPerDevice = cardsPerSignal("device", 0.5);
