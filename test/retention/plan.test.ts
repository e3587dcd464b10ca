import { describe, expect, it } from "vitest";
import {
  cutoffFor,
  parseRetention,
  ruleFor,
  type RetentionPolicy,
} from "../../worker/src/config/retention-spec.ts";
import type { ChunkMessage, RecordMessage } from "../../worker/src/record/record-message.ts";
import { buildSegment } from "../../worker/src/record/segment.ts";
import { activeHolds, parseHoldRequest, type Hold } from "../../worker/src/retention/hold.ts";
import {
  addChunk,
  CARRY_MS,
  markRows,
  SKEW_MS,
  type Carry,
  type StepReferences,
} from "../../worker/src/retention/mark-plan.ts";
import {
  ANY_HOST,
  bodyFate,
  REF_GRANULE_MS,
  refLive,
  segmentFate,
  sessionFate,
  SHORT_SESSION_MS,
  straddles,
  type BodyEvidence,
  type SessionFacts,
} from "../../worker/src/retention/plan.ts";
import { chunkKey, segmentMembers } from "../../worker/src/retention/segment-members.ts";

const DAY = 86_400_000;
const NOW = Date.parse("2033-06-15T12:00:00Z");

function policy(spec: string): RetentionPolicy {
  const parsed = parseRetention(spec);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.policy;
}

describe("RETENTION", () => {
  it.each([
    ["7y", null],
    ["", null],
    ["400d", null],
    ["forever", null],
    ["shop.example.com=7y; *=400d", null],
    ["shop.example.com=7y, *.example.org=90d", null],
    ["7x", "a period is whole days (400d), whole years (7y)"],
    ["0d", "at least one day"],
    ["101y", "at most 100 years"],
    ["shop.example.com=", "a period is"],
    ["7y; *=400d", "the default is given twice"],
    ["a.example=1d; a.example=2d", '"a.example" is given twice'],
    ["https://shop.example=7y", "is not a host name"],
    ["shop.*.example=7y", "is not a host name"],
  ])("reads %j (error: %s)", (spec, error) => {
    const parsed = parseRetention(spec);
    if (error === null) expect(parsed.ok).toBe(true);
    else expect(parsed.ok ? "" : parsed.error).toContain(error);
    if (!parsed.ok) expect(parsed.error).toMatch(/^RETENTION: /);
  });

  it.each([
    ["shop.example.com", "7y"],
    ["shop.example.com:8443", "7y"],
    ["SHOP.example.com", "7y"],
    ["blog.example.org", "90d"],
    ["deep.blog.example.org", "30d"],
    ["example.org", "400d"],
    ["other.test", "400d"],
  ])("gives %s the rule %s (exact, longest *.suffix, default)", (host, period) => {
    const p = policy("shop.example.com=7y; *.example.org=90d; *.blog.example.org=30d; *=400d");
    expect(ruleFor(p, host).text).toBe(period);
  });

  it.each([
    ["7y", Date.parse("2026-06-15T12:00:00Z")],
    ["400d", NOW - 400 * DAY],
    ["forever", null],
  ])("cuts %s off at %s", (spec, cutoff) => {
    expect(cutoffFor(policy(spec), "any.example", NOW)).toBe(cutoff);
  });

  it("counts calendar years, leap days included", () => {
    expect(
      new Date(cutoffFor(policy("1y"), "x.example", Date.parse("2032-02-29T00:00:00Z")) ?? 0).toISOString(),
    ).toBe("2031-03-01T00:00:00.000Z");
  });
});

describe("retention planner", () => {
  const p = policy("shop.example=7y; short.example=30d; *=400d");
  const hold = (kind: Hold["kind"], value: string, lifted = false): Hold => ({
    id: `${kind}-hold`,
    kind,
    value,
    reason: "case 1",
    placed_by: "demo:compliance",
    placed_at: NOW - DAY,
    lifted_by: lifted ? "demo:compliance" : null,
    lifted_at: lifted ? NOW : null,
    lift_reason: lifted ? "closed" : null,
  });
  const session = (host: string, daysAgo: number, spanDays = 0): SessionFacts => ({
    id: "a".repeat(32),
    host,
    first_seen: NOW - (daysAgo + spanDays) * DAY,
    last_seen: NOW - daysAgo * DAY,
  });
  const none = activeHolds([], new Map());

  it.each<[string, SessionFacts, Hold[], Map<string, string>, string]>([
    ["a recent session", session("short.example", 10), [], new Map(), "keep:retention"],
    ["a session past its site's period", session("short.example", 31), [], new Map(), "expire"],
    ["the same age on a longer-kept site", session("shop.example", 31), [], new Map(), "keep:retention"],
    ["a site without a rule, past the default", session("other.example", 401), [], new Map(), "expire"],
    [
      "a session under a session hold",
      session("short.example", 31),
      [hold("session", "a".repeat(32))],
      new Map(),
      "keep:hold",
    ],
    [
      "a session whose hold was lifted",
      session("short.example", 31),
      [hold("session", "a".repeat(32), true)],
      new Map(),
      "expire",
    ],
    [
      "a session of a held customer",
      session("short.example", 31),
      [hold("customer", "[hash:1]")],
      new Map([["a".repeat(32), "customer-hold"]]),
      "keep:hold",
    ],
    [
      "a session active on a held day",
      session("short.example", 31, 2),
      [hold("day", new Date(NOW - 32 * DAY).toISOString().slice(0, 10))],
      new Map(),
      "keep:hold",
    ],
    [
      "a session not active on the held day",
      session("short.example", 31),
      [hold("day", new Date(NOW - 40 * DAY).toISOString().slice(0, 10))],
      new Map(),
      "expire",
    ],
    [
      "a session on a day whose hold was lifted",
      session("short.example", 31),
      [hold("day", new Date(NOW - 31 * DAY).toISOString().slice(0, 10), true)],
      new Map(),
      "expire",
    ],
  ])("%s: %s", (_name, facts, holds, customerSessions, expected) => {
    const fate = sessionFate(facts, p, activeHolds(holds, customerSessions), NOW);
    expect(fate.fate === "expire" ? "expire" : `keep:${fate.why}`).toBe(expected);
  });

  const evidence = (refs: BodyEvidence["refs"], keptBy: BodyEvidence["keptBy"] = null): BodyEvidence => ({
    refs,
    keptBy,
  });
  it.each<[string, BodyEvidence, string]>([
    ["referenced by nothing kept", evidence([]), "delete"],
    [
      "last referenced on its site within the period",
      evidence([{ host: "short.example", last_ref: NOW - 10 * DAY }]),
      "keep:recent-reference",
    ],
    [
      "last referenced past the period, by more than a short session and a row's lag",
      evidence([{ host: "short.example", last_ref: NOW - 30 * DAY - SHORT_SESSION_MS - REF_GRANULE_MS - 1 }]),
      "delete",
    ],
    [
      "last referenced within a row's lag of that",
      evidence([{ host: "short.example", last_ref: NOW - 30 * DAY - SHORT_SESSION_MS - REF_GRANULE_MS / 2 }]),
      "keep:recent-reference",
    ],
    [
      "past the period by less than a short session",
      evidence([{ host: "short.example", last_ref: NOW - 30 * DAY - SHORT_SESSION_MS / 2 }]),
      "keep:recent-reference",
    ],
    [
      "expired on one site, recent on a longer-kept one",
      evidence([
        { host: "short.example", last_ref: NOW - 100 * DAY },
        { host: "shop.example", last_ref: NOW - 100 * DAY },
      ]),
      "keep:recent-reference",
    ],
    [
      "first stored by an unknown site within the longest period",
      evidence([{ host: ANY_HOST, last_ref: NOW - 1000 * DAY }]),
      "keep:recent-reference",
    ],
    [
      "first stored by an unknown site before the longest period",
      evidence([{ host: ANY_HOST, last_ref: NOW - 3000 * DAY }]),
      "delete",
    ],
    ["referenced by a held session's record", evidence([], "held-session"), "keep:held-session"],
    ["referenced by a record not read yet", evidence([], "unread-day"), "keep:unread-day"],
  ])("a body %s: %s", (_name, given, expected) => {
    const fate = bodyFate(given, p, NOW);
    expect(fate.fate === "delete" ? "delete" : `keep:${fate.why}`).toBe(expected);
  });

  it.each([
    [[false, false], "delete"],
    [[false, true], "keep"],
    [[], "delete"],
  ] as const)("a segment whose chunks are still indexed %j: %s", (live, fate) => {
    expect(segmentFate(live)).toBe(fate);
  });

  it.each([
    ["begun long before the cutoff, active since", session("short.example", 1, 60), true],
    ["begun just before the cutoff (a short session)", session("short.example", 29, 1.5), false],
    ["expired", session("short.example", 31, 60), false],
    ["on a site kept forever", { ...session("short.example", 1, 60), host: "x" }, false],
  ] as const)("reads a kept long session's early records when %s: %s", (_name, facts, expected) => {
    const forever = facts.host === "x" ? policy("forever") : p;
    expect(straddles(facts, forever, NOW)).toBe(expected);
  });

  it("refLive weighs each row by its own site's period", () => {
    expect(refLive({ host: "shop.example", last_ref: NOW - 1000 * DAY }, p, NOW)).toBe(true);
    expect(refLive({ host: "short.example", last_ref: NOW - 1000 * DAY }, p, NOW)).toBe(false);
  });

  it("reads customers in holds as keyed tokens, never as given", () => {
    const request = parseHoldRequest(
      { kind: "customer", value: "alice@example.com", reason: "DSAR 7" },
      "k".repeat(32),
    );
    expect(request.value).toMatch(/^\[hash:[0-9a-f]{32}\]$/);
    expect(JSON.stringify(request)).not.toContain("alice");
  });

  it.each([
    [{ kind: "room", value: "x", reason: "r" }, "kind must be one of session, customer, day"],
    [{ kind: "session", value: "xyz", reason: "r" }, "32 hex characters"],
    [{ kind: "day", value: "2026-02-30", reason: "r" }, "a day is a UTC date"],
    [{ kind: "day", value: "2026-02-03", reason: " " }, "needs a reason"],
    [{ kind: "session", value: "", reason: "r" }, "value must name the session"],
    [null, "kind must be one of"],
  ])("refuses the hold %j: %s", (body, message) => {
    expect(() => parseHoldRequest(body, "k".repeat(32))).toThrow(message);
  });
});

describe("reading body references from segments", () => {
  const record = (
    session: string,
    id: string,
    at: number,
    digest: string,
    host = "shop.example",
  ): RecordMessage => ({
    v: 1,
    exchange: {
      id,
      session_id: session,
      day: "2033-06-15",
      started_at: at,
      ttfb_ms: 1,
      total_ms: 2,
      method: "GET",
      url: `https://${host}/page`,
      status: 200,
      content_type: "text/html",
      content_class: "html",
      page_view: 1,
      request_headers: "[]",
      response_headers: "[]",
      request_body_digest: null,
      request_body_size: null,
      request_body_note: null,
      response_body_digest: digest,
      response_body_size: 10,
      response_body_note: null,
      validator: null,
      revalidated_digest: null,
      context: "{}",
      error: null,
      mask_policy: "test",
      mask_report: "[]",
      record_hash: "0".repeat(64),
    },
    session: null,
    keys: [],
    customers: [],
    blobs: [],
  });
  const D = (n: number) => n.toString(16).repeat(64).slice(0, 64);
  const refsOf = (...records: RecordMessage[]): StepReferences => {
    const refs: StepReferences = new Map();
    for (const r of records)
      addChunk({ v: 2, session_id: r.exchange.session_id, records: [r] }, refs, new Map());
    return refs;
  };
  const T = NOW;

  it.each<[string, StepReferences, string[], Map<string, number | null>, Carry, string[]]>([
    [
      "a body one session stored: no row",
      refsOf(record("s1", "a", T, D(1))),
      [],
      new Map([[D(1), T + 100]]),
      new Map(),
      [],
    ],
    [
      "a body two sessions stored at once: a row each, and one for whoever stored it",
      refsOf(record("s1", "a", T, D(1)), record("s2", "b", T + 10, D(1))),
      [],
      new Map([[D(1), T + 100]]),
      new Map(),
      [`${D(1)} shop.example ${T + 10}`, `${D(1)} * ${T + 100}`],
    ],
    [
      "a body reused after it was stored",
      refsOf(record("s2", "b", T + SKEW_MS + 200, D(1), "other.example")),
      [],
      new Map([[D(1), T + 100]]),
      new Map(),
      [`${D(1)} other.example ${T + SKEW_MS + 200}`, `${D(1)} * ${T + 100}`],
    ],
    [
      "a body stored at once with a session read in an earlier step (carried)",
      refsOf(record("s2", "b", T + 20, D(1))),
      [],
      new Map([[D(1), T + 100]]),
      new Map([[D(1), { session: "s1", host: "shop.example", at: T, uploaded: T + 100 }]]),
      [`${D(1)} shop.example ${T + 20}`, `${D(1)} * ${T + 100}`],
    ],
    [
      "a body with rows: moved forward, per site",
      refsOf(record("s1", "a", T, D(1)), record("s9", "z", T + 5, D(1), "other.example")),
      [D(1)],
      new Map(),
      new Map(),
      [`${D(1)} shop.example ${T}`, `${D(1)} other.example ${T + 5}`],
    ],
    [
      "a body whose object is gone: nothing to keep",
      refsOf(record("s1", "a", T, D(1)), record("s2", "b", T, D(1))),
      [],
      new Map([[D(1), null]]),
      new Map(),
      [],
    ],
  ])("%s", (_name, refs, known, uploaded, carry, rows) => {
    const out = markRows(refs, new Set(known), uploaded, carry, T + 200);
    expect(out.rows.map((r) => `${r.digest} ${r.host} ${r.last_ref}`).sort()).toEqual([...rows].sort());
  });

  it("carries a lone storer forward for CARRY_MS, then lets it go", () => {
    const first = markRows(
      refsOf(record("s1", "a", T, D(1))),
      new Set(),
      new Map([[D(1), T + 100]]),
      new Map(),
      T + 100,
    );
    expect([...first.carry.keys()]).toEqual([D(1)]);
    const later = markRows(new Map(), new Set(), new Map(), first.carry, T + 100 + CARRY_MS + 1);
    expect(later.carry.size).toBe(0);
  });

  it("splits a segment into its chunks from the bytes alone", () => {
    const chunks: ChunkMessage[] = [1, 2, 3].map((n) => ({
      v: 2,
      session_id: `s${n}`,
      records: [record(`s${n}`, `id${n}`, T + n, D(n))],
    }));
    const { bytes, positions } = buildSegment(chunks);
    const members = segmentMembers("segments/2033-06-15/x.z1", bytes);
    expect(members.map((m) => ({ offset: m.offset, length: m.length }))).toEqual(positions);
    expect(members.map((m) => (m.chunk ? chunkKey(m.chunk) : null))).toEqual(
      chunks.map((c) => ({ session_id: c.session_id, first_id: c.records[0]?.exchange.id })),
    );
  });

  it("refuses bytes that are not whole members rather than guess where chunks end", () => {
    const { bytes } = buildSegment([{ v: 2, session_id: "s", records: [record("s", "i", T, D(1))] }]);
    expect(() => segmentMembers("segments/x/y.z1", bytes.subarray(0, bytes.length - 3))).toThrow();
    const doubled = new Uint8Array(bytes.length * 2);
    doubled.set(bytes);
    doubled.set(bytes, bytes.length);
    expect(segmentMembers("segments/x/y.z1", doubled).map((m) => m.offset)).toEqual([0, bytes.length]);
  });
});
