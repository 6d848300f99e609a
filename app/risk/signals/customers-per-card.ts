import { customersPerSignal } from "./distinct";

/** Prior 0.6 log-odds per unit of log2(1 + n) (docs/risk-engine.md). */
export const customersPerCard = customersPerSignal("card", 0.6);
