import { customersPerSignal } from "./distinct";

/** Prior 0.2 log-odds per unit of log2(1 + n) (docs/risk-engine.md). */
export const customersPerIp = customersPerSignal("ip", 0.2);
