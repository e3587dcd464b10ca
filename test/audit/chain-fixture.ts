import type { AuditEntry, AuditInput } from "../../worker/src/audit/audit-entry.ts";
import { GENESIS_HASH, canonicalInput, entryHash } from "../../worker/src/audit/audit-entry.ts";

export const T0 = Date.parse("2026-03-02T09:00:00Z");

/** Five looks by three people, as the console and API would log them. */
export const LOOKS: readonly AuditInput[] = [
  {
    actor: "ana@example.com",
    roles: ["support"],
    via: "access",
    action: "search",
    detail: { q: "email:bo@shop.example" },
    source: "192.0.2.10",
  },
  {
    actor: "ana@example.com",
    roles: ["support"],
    via: "access",
    action: "session.view",
    target: "s_01HX",
    source: "192.0.2.10",
  },
  {
    actor: "token:t_7",
    roles: ["compliance"],
    via: "token",
    action: "export",
    target: "s_01HX",
    detail: { format: "warc", sessions: ["s_01HX"] },
  },
  {
    actor: "cy@example.com",
    roles: ["compliance", "support"],
    via: "access",
    action: "reveal",
    target: "x_42",
    detail: { field: "iban", reason: { ticket: 1234 } },
    source: "2001:db8::1",
  },
  {
    actor: "cy@example.com",
    roles: ["admin"],
    via: "break-glass",
    action: "token.revoke",
    target: "t_7",
    source: "2001:db8::1",
  },
];

/** A chain as `AuditLog.append` builds it, without D1. */
export async function chainOf(inputs: readonly AuditInput[] = LOOKS): Promise<AuditEntry[]> {
  const entries: AuditEntry[] = [];
  let prevHash = GENESIS_HASH;
  for (const [i, input] of inputs.entries()) {
    const unsealed = { seq: i + 1, at: T0 + i * 1000, ...canonicalInput(input) };
    const hash = await entryHash(prevHash, unsealed);
    entries.push({ ...unsealed, prevHash, hash });
    prevHash = hash;
  }
  return entries;
}
