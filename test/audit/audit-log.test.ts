import { env } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import type { AuditEntry, AuditInput } from "../../worker/src/audit/audit-entry.ts";
import { GENESIS_HEAD } from "../../worker/src/audit/audit-entry.ts";
import { exportJsonLines, verifyExport } from "../../worker/src/audit/audit-export.ts";
import type { AuditFilter } from "../../worker/src/audit/audit-log.ts";
import { AuditLog } from "../../worker/src/audit/audit-log.ts";
import { VerbatimError } from "../../worker/src/errors/verbatim-error.ts";
import { LOOKS, T0, chainOf } from "./chain-fixture.ts";

const db = env.DB;
const log = new AuditLog(db);

/** Storage lasts for the whole file: each test starts from a freshly migrated, empty audit log. */
beforeEach(async () => {
  const migration = env.TEST_MIGRATIONS.find((m) => m.name.startsWith("0009_"));
  if (!migration) throw new Error("migrations/0009_create_audit_log.sql was not read");
  await db.batch([db.prepare("DROP TABLE audit_log"), ...migration.queries.map((q) => db.prepare(q))]);
});

const rowCount = async () =>
  (await db.prepare("SELECT count(*) AS n FROM audit_log").first<{ n: number }>())?.n;

async function appendAll(inputs: readonly AuditInput[] = LOOKS): Promise<AuditEntry[]> {
  const entries: AuditEntry[] = [];
  for (const [i, input] of inputs.entries()) entries.push(await log.append(input, T0 + i * 1000));
  return entries;
}

describe("AuditLog.append", () => {
  it("writes exactly one entry per call and returns it as stored", async () => {
    const returned: AuditEntry[] = [];
    for (const [i, look] of LOOKS.entries()) {
      returned.push(await log.append(look, T0 + i * 1000));
      expect(await rowCount()).toBe(i + 1);
    }
    expect(returned.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(await log.list()).toEqual(returned);
    // The same chain as the pure core builds: D1 stores exactly what was hashed.
    expect(returned).toEqual(await chainOf());
    expect(await log.head()).toEqual({ seq: 5, hash: returned[4]?.hash });
  });

  it("keeps one chain when 20 isolates append at once", async () => {
    const isolates = Array.from({ length: 20 }, () => new AuditLog(db));
    const returned = await Promise.all(
      isolates.map((isolate, i) =>
        isolate.append({
          actor: `agent${i}@example.com`,
          roles: ["support"],
          via: "access",
          action: "search",
        }),
      ),
    );
    expect(returned.map((e) => e.seq).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
    expect(await rowCount()).toBe(20);
    const stored = await log.list();
    expect(stored).toEqual([...returned].sort((a, b) => a.seq - b.seq));
    expect(await log.verify()).toEqual({ ok: true, head: { seq: 20, hash: stored[19]?.hash } });
  });

  it("never dates an entry before the one it follows", async () => {
    await log.append(LOOKS[0] as AuditInput, T0 + 5000);
    const second = await log.append(LOOKS[1] as AuditInput, T0); // another isolate's clock, behind
    expect(second.at).toBe(T0 + 5000);
  });

  it("gives up with a VerbatimError when it keeps losing the race", async () => {
    // A trigger that refuses every insert as a lost race: as if other appends always came first.
    await db.exec(
      "CREATE TRIGGER audit_log_always_taken BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log: not the next entry'); END",
    );
    const failure = await log.append(LOOKS[0] as AuditInput).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(VerbatimError);
    expect(failure).toMatchObject({ code: "storage_unavailable" });
  });

  it("passes any other storage error on at once", async () => {
    await db.exec(
      "CREATE TRIGGER audit_log_broken BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'disk on fire'); END",
    );
    await expect(log.append(LOOKS[0] as AuditInput)).rejects.toThrow("disk on fire");
  });
});

describe("audit_log table", () => {
  const z = "0".repeat(64);
  it.each([
    ["UPDATE", "UPDATE audit_log SET actor = 'mallory@example.com' WHERE seq = 2", "append-only"],
    ["DELETE", "DELETE FROM audit_log WHERE seq = 5", "append-only"],
    ["DELETE of everything", "DELETE FROM audit_log", "append-only"],
    [
      "INSERT OR REPLACE over an entry",
      `INSERT OR REPLACE INTO audit_log (seq, at, actor, roles, via, action, target, detail, source, prev_hash, hash) SELECT seq, at, 'mallory@example.com', roles, via, action, target, detail, source, prev_hash, hash FROM audit_log WHERE seq = 2`,
      "not the next entry",
    ],
    [
      "an entry that skips a seq",
      `INSERT INTO audit_log (seq, at, actor, roles, via, action, target, detail, source, prev_hash, hash) SELECT 7, at, actor, roles, via, action, target, detail, source, hash, hash FROM audit_log WHERE seq = 5`,
      "not the next entry",
    ],
    [
      "an entry that forks the chain",
      `INSERT INTO audit_log (seq, at, actor, roles, via, action, target, detail, source, prev_hash, hash) VALUES (6, 0, 'x', '', 'none', 'search', NULL, '{}', NULL, '${z}', '${z}')`,
      "not the next entry",
    ],
  ])("refuses %s", async (_what, sql, message) => {
    await appendAll();
    await expect(db.prepare(sql).run()).rejects.toThrow(message);
    expect(await rowCount()).toBe(5);
    expect(await log.verify()).toMatchObject({ ok: true, head: { seq: 5 } });
  });
});

describe("AuditLog.verify", () => {
  it("accepts an empty log at genesis and a log as appended", async () => {
    expect(await log.head()).toBeNull();
    expect(await log.verify()).toEqual({ ok: true, head: GENESIS_HEAD });
    const entries = await appendAll();
    expect(await log.verify()).toEqual({ ok: true, head: { seq: 5, hash: entries[4]?.hash } });
  });

  // Someone with database access drops the trigger and edits entry 3 in place.
  it.each([
    ["at", "at = at + 1"],
    ["actor", "actor = 'mallory@example.com'"],
    ["roles", "roles = 'admin,compliance'"],
    ["via", "via = 'demo'"],
    ["action", "action = 'search'"],
    ["target", "target = NULL"],
    ["detail", `detail = '{"format":"json","sessions":["s_01HX"]}'`],
    ["detail (not JSON)", "detail = 'oops'"],
    ["source", "source = '203.0.113.9'"],
    ["prev_hash", "prev_hash = hash"],
    ["hash", "hash = prev_hash"],
    ["seq", "seq = 30"],
  ])("detects an edited %s at that entry", async (_column, set) => {
    await appendAll();
    await db.exec("DROP TRIGGER audit_log_no_update");
    await db.prepare(`UPDATE audit_log SET ${set} WHERE seq = 3`).run();
    expect(await log.verify()).toMatchObject({ ok: false, seq: 3 });
  });

  it("detects a deleted entry", async () => {
    await appendAll();
    await db.exec("DROP TRIGGER audit_log_no_delete");
    await db.prepare("DELETE FROM audit_log WHERE seq = 2").run();
    expect(await log.verify()).toMatchObject({ ok: false, seq: 2 });
  });

  it("refuses to list an entry it cannot read", async () => {
    await appendAll();
    await db.exec("DROP TRIGGER audit_log_no_update");
    await db.prepare("UPDATE audit_log SET roles = 'root' WHERE seq = 4").run();
    await expect(log.list()).rejects.toThrow("audit entry 4 is malformed: bad roles");
  });

  it("with an anchored head, detects entries removed from the end and a rewritten chain", async () => {
    await appendAll();
    const anchor = await log.head();
    if (!anchor) throw new Error("no head");
    await db.exec("DROP TRIGGER audit_log_no_delete");
    await db.prepare("DELETE FROM audit_log WHERE seq >= 4").run();
    expect(await log.verify()).toMatchObject({ ok: true, head: { seq: 3 } });
    expect(await log.verify(anchor)).toMatchObject({ ok: false, seq: 4 });

    // Rebuilt from scratch with consistent hashes: only the anchor can tell.
    await db.prepare("DELETE FROM audit_log").run();
    await appendAll(LOOKS.map((look) => ({ ...look, detail: {} })));
    expect(await log.verify()).toMatchObject({ ok: true, head: { seq: 5 } });
    expect(await log.verify(anchor)).toMatchObject({
      ok: false,
      seq: 5,
      reason: expect.stringContaining("rewritten"),
    });
  });

  it("reads a long log page by page and still finds an edit near its end", async () => {
    const count = 1234;
    const looks = Array.from({ length: count }, (_, i) => LOOKS[i % LOOKS.length] as AuditInput);
    const chain = await chainOf(looks);
    const insert = db.prepare(
      "INSERT INTO audit_log (seq, at, actor, roles, via, action, target, detail, source, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    );
    await db.batch(
      chain.map((e) =>
        insert.bind(
          e.seq,
          e.at,
          e.actor,
          e.roles.join(","),
          e.via,
          e.action,
          e.target,
          JSON.stringify(e.detail),
          e.source,
          e.prevHash,
          e.hash,
        ),
      ),
    );
    expect(await log.verify()).toEqual({ ok: true, head: { seq: count, hash: chain[count - 1]?.hash } });
    await db.exec("DROP TRIGGER audit_log_no_update");
    await db.prepare("UPDATE audit_log SET actor = 'mallory@example.com' WHERE seq = 1201").run();
    expect(await log.verify()).toMatchObject({ ok: false, seq: 1201 });
  });
});

describe("AuditLog.list", () => {
  const seqs = (entries: readonly AuditEntry[]) => entries.map((e) => e.seq);

  it.each<[string, AuditFilter, number[]]>([
    ["everything, oldest first", {}, [1, 2, 3, 4, 5]],
    ["newest first", { order: "desc" }, [5, 4, 3, 2, 1]],
    ["by actor", { actor: "cy@example.com" }, [4, 5]],
    ["by action", { action: "session.view" }, [2]],
    ["by action nobody took", { action: "hold" }, []],
    ["from a moment (inclusive)", { from: T0 + 3000 }, [4, 5]],
    ["to a moment (exclusive)", { to: T0 + 2000 }, [1, 2]],
    ["by actor within a time window", { actor: "ana@example.com", from: T0 + 1000, to: T0 + 9000 }, [2]],
    ["after a cursor", { afterSeq: 2, limit: 2 }, [3, 4]],
    ["before a cursor, newest first", { beforeSeq: 4, order: "desc", limit: 2 }, [3, 2]],
    ["with a limit past the maximum", { limit: 10_000 }, [1, 2, 3, 4, 5]],
    ["with a limit below one", { limit: 0 }, [1]],
    ["with a limit that is not a number", { limit: Number.NaN }, [1, 2, 3, 4, 5]],
  ])("filters %s", async (_what, filter, expected) => {
    await appendAll();
    expect(seqs(await log.list(filter))).toEqual(expected);
  });

  it("pages through a filter with a cursor", async () => {
    await appendAll([...LOOKS, ...LOOKS, ...LOOKS]);
    const pages: number[][] = [];
    let afterSeq = 0;
    for (;;) {
      const page = await log.list({ actor: "cy@example.com", afterSeq, limit: 4 });
      if (page.length === 0) break;
      pages.push(seqs(page));
      afterSeq = page[page.length - 1]?.seq ?? afterSeq;
    }
    expect(pages).toEqual([
      [4, 5, 9, 10],
      [14, 15],
    ]);
  });
});

describe("AuditLog export", () => {
  it("round-trips the whole log through JSON Lines and verifies it offline", async () => {
    await appendAll();
    const file = exportJsonLines(await log.list({ limit: 1000 }), await log.head());
    expect(await verifyExport(file)).toEqual({
      ok: true,
      head: await log.head(),
      entries: 5,
      complete: true,
    });
  });

  it("exports a compliance filter that verifies entry by entry", async () => {
    await appendAll();
    const file = exportJsonLines(await log.list({ actor: "cy@example.com" }), await log.head());
    expect(await verifyExport(file)).toMatchObject({ ok: true, entries: 2, complete: false });
  });
});
