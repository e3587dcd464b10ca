export type { ActiveHolds, Hold, HoldKind, HoldRequest } from "./hold.ts";
export { HOLD_KINDS, newHold, parseHoldId, parseHoldRequest, parseReason } from "./hold.ts";
export { HoldStore, liftRefusal } from "./hold-store.ts";
export type { RetentionStatus } from "./retention-status.ts";
export { retentionStatus } from "./retention-status.ts";
export type { RetentionLimits, RunOptions, RunResult } from "./run-retention.ts";
export { DEFAULT_LIMITS, restartCycle, runRetention } from "./run-retention.ts";
export { holdView } from "./hold-view.ts";
