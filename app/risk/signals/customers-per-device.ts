import { customersPerSignal } from "./distinct";

/** Prior 0.4 log-odds per unit of log2(1 + n) (docs/risk-engine.md). */
export const customersPerDevice = customersPerSignal("device", 0.4);
