import type { Hold } from "./hold.ts";

/** A hold as the API answers it: times as ISO-8601, and whether it is still in force. */
export function holdView(hold: Hold) {
  return {
    id: hold.id,
    kind: hold.kind,
    value: hold.value,
    reason: hold.reason,
    active: hold.lifted_at === null,
    placedBy: hold.placed_by,
    placedAt: new Date(hold.placed_at).toISOString(),
    liftedBy: hold.lifted_by,
    liftedAt: hold.lifted_at === null ? null : new Date(hold.lifted_at).toISOString(),
    liftReason: hold.lift_reason,
  };
}
