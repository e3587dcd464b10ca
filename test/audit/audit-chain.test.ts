import { describe, expect, it } from "vitest";
import type { AuditEntry, AuditInput } from "../../worker/src/audit/audit-entry.ts";
import { GENESIS_HEAD, canonicalInput, entryHash, verifyChain } from "../../worker/src/audit/audit-entry.ts";
import { chainOf } from "./chain-fixture.ts";

const flip = (hex: string) => (hex[0] === "0" ? "1" : "0") + hex.slice(1);

/** One change to the third entry per row; every one must break the chain at entry 3. */
const EDITS: [string, (e: AuditEntry) => AuditEntry][] = [
  ["seq", (e) => ({ ...e, seq: 9 })],
  ["at", (e) => ({ ...e, at: e.at + 1 })],
  ["actor", (e) => ({ ...e, actor: "mallory@example.com" })],
  ["roles (added)", (e) => ({ ...e, roles: [...e.roles, "admin"] })],
  ["roles (removed)", (e) => ({ ...e, roles: [] })],
  ["via", (e) => ({ ...e, via: "access" })],
  ["action", (e) => ({ ...e, action: "search" })],
  ["target (changed)", (e) => ({ ...e, target: "s_OTHER" })],
  ["target (cleared)", (e) => ({ ...e, target: null })],
  ["detail (value)", (e) => ({ ...e, detail: { ...e.detail, format: "json" } })],
  ["detail (key added)", (e) => ({ ...e, detail: { ...e.detail, note: "" } })],
  ["detail (nested)", (e) => ({ ...e, detail: { ...e.detail, sessions: ["s_OTHER"] } })],
  ["source (set)", (e) => ({ ...e, source: "198.51.100.7" })],
  ["prevHash", (e) => ({ ...e, prevHash: flip(e.prevHash) })],
  ["hash", (e) => ({ ...e, hash: flip(e.hash) })],
];

describe("verifyChain", () => {
  it("accepts an untouched chain and names its head", async () => {
    const chain = await chainOf();
    const last = chain[4];
    expect(await verifyChain(chain)).toEqual({ ok: true, head: { seq: 5, hash: last?.hash } });
  });

  it("accepts an empty chain at genesis", async () => {
    expect(await verifyChain([])).toEqual({ ok: true, head: GENESIS_HEAD });
  });

  it.each(EDITS)("detects a changed %s at the entry changed", async (_field, edit) => {
    const chain = await chainOf();
    chain[2] = edit(chain[2] as AuditEntry);
    expect(await verifyChain(chain)).toMatchObject({ ok: false, seq: 3 });
  });

  it.each(EDITS.filter(([field]) => field !== "seq" && field !== "hash"))(
    "detects a changed %s even when its hash is recomputed",
    async (field, edit) => {
      // Whoever edits an entry and re-hashes it still breaks the next entry's link.
      const chain = await chainOf();
      const edited = edit(chain[2] as AuditEntry);
      chain[2] = { ...edited, hash: await entryHash(edited.prevHash, edited) };
      const result = await verifyChain(chain);
      expect(result.ok).toBe(false);
      expect(result.ok ? 0 : result.seq).toBe(field === "prevHash" ? 3 : 4);
    },
  );

  it.each([
    ["a removed entry", (c: AuditEntry[]) => c.filter((e) => e.seq !== 3), 3],
    ["a removed first entry", (c: AuditEntry[]) => c.slice(1), 1],
    ["two swapped entries", (c: AuditEntry[]) => [c[0], c[2], c[1], c[3], c[4]], 2],
    [
      "two swapped entries renumbered",
      (c: AuditEntry[]) => [c[0], { ...c[2], seq: 2 }, { ...c[1], seq: 3 }, c[3], c[4]],
      2,
    ],
    ["a duplicated entry", (c: AuditEntry[]) => [c[0], c[1], c[1], c[2]], 3],
    [
      "an entry linked to the one before its predecessor",
      (c: AuditEntry[]) => c.map((e) => (e.seq === 3 ? { ...e, prevHash: c[0]?.hash ?? "" } : e)),
      3,
    ],
  ] as const)("detects %s", async (_what, rearrange, seq) => {
    const chain = (rearrange(await chainOf()) as (AuditEntry | undefined)[]).filter((e) => e !== undefined);
    expect(await verifyChain(chain)).toMatchObject({ ok: false, seq });
  });

  it("continues from a known head, and refuses a head that is not the entries' predecessor", async () => {
    const chain = await chainOf();
    const second = chain[1] as AuditEntry;
    expect(await verifyChain(chain.slice(2), { seq: 2, hash: second.hash })).toMatchObject({
      ok: true,
      head: { seq: 5 },
    });
    expect(await verifyChain(chain.slice(2), { seq: 2, hash: flip(second.hash) })).toMatchObject({
      ok: false,
      seq: 3,
    });
    expect(await verifyChain(chain.slice(2))).toMatchObject({ ok: false, seq: 1 });
  });

  it("cannot show entries removed from the end (that takes an anchored head)", async () => {
    const chain = await chainOf();
    expect(await verifyChain(chain.slice(0, 3))).toMatchObject({ ok: true, head: { seq: 3 } });
  });
});

describe("entryHash", () => {
  const base = {
    seq: 1,
    at: 0,
    roles: [],
    via: "none",
    action: "auth.failed",
    detail: {},
    source: null,
  } as const;

  it.each([
    ["field boundaries", { ...base, actor: "ab", target: "c" }, { ...base, actor: "a", target: "bc" }],
    ["null and empty text", { ...base, actor: "a", target: null }, { ...base, actor: "a", target: "" }],
    [
      "a number and its text",
      { ...base, actor: "a", target: null, detail: { n: 1 } },
      { ...base, actor: "a", target: null, detail: { n: "1" } },
    ],
  ] as const)("tells apart %s", async (_what, a, b) => {
    expect(await entryHash(GENESIS_HEAD.hash, a)).not.toBe(await entryHash(GENESIS_HEAD.hash, b));
  });

  it("does not depend on the order a detail's keys were written in", async () => {
    const a = { ...base, actor: "a", target: null, detail: { x: 1, y: { b: 2, a: 1 } } };
    const b = { ...base, actor: "a", target: null, detail: { y: { a: 1, b: 2 }, x: 1 } };
    expect(await entryHash(GENESIS_HEAD.hash, a)).toBe(await entryHash(GENESIS_HEAD.hash, b));
  });
});

describe("canonicalInput", () => {
  const look: AuditInput = { actor: "ana@example.com", roles: ["support"], via: "access", action: "search" };

  it("sorts roles once each, fills absent fields with null and {}, and makes text well-formed", () => {
    expect(
      canonicalInput({ ...look, roles: ["support", "compliance", "support"], target: "s_\uD800" }),
    ).toEqual({
      actor: "ana@example.com",
      roles: ["compliance", "support"],
      via: "access",
      action: "search",
      target: "s_\uFFFD",
      detail: {},
      source: null,
    });
  });

  it.each([
    ["an unknown action", { ...look, action: "delete" } as unknown as AuditInput, "unknown action"],
    ["an unknown role", { ...look, roles: ["root"] } as unknown as AuditInput, "unknown role"],
    ["an unknown via", { ...look, via: "cookie" } as unknown as AuditInput, "unknown via"],
    ["no actor", { ...look, actor: "" }, "no actor"],
    ["a secret-like key", { ...look, detail: { headers: { Authorization: "Bearer x" } } }, "Authorization"],
    ["a password", { ...look, detail: { form: [{ password: "hunter2" }] } }, "password"],
  ])("refuses %s", (_what, input, message) => {
    expect(() => canonicalInput(input)).toThrow(message);
  });
});
