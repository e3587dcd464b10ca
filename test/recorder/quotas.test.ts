import { env, listDurableObjectIds, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { health } from "../../worker/src/api/health.ts";
import { loadConfig } from "../../worker/src/config/config.ts";
import type { Env } from "../../worker/src/env.ts";
import { counters } from "../../worker/src/log/health-counters.ts";
import { RECORDER_COOKIE } from "../../worker/src/snapshot/cookies.ts";
import { needsWrite, withinQuota } from "../../worker/src/recorder/session-quota.ts";
import { exchanges, sessions } from "../helpers/archive.ts";
import { Customer } from "../helpers/browser-like.ts";
import { expectLogs, loggedEvents } from "../helpers/logs.ts";
import { sameBytes, SITE, visit } from "../helpers/visit.ts";

/** vitest.config.ts sets RECORD_LIMIT to this many exchanges per client per 10 s (200 in wrangler.toml). */
const TEST_LIMIT = 5;
const PERIOD_MS = 10_000;
const edge = { ORIGIN: env.EDGE_ORIGIN } as Partial<Env>;

/** Text that neither compresses much nor repeats, so every body is a new R2 object. */
function uniqueBody(tag: string, bytes: number): string {
  let out = `${tag}:`;
  let x = [...tag].reduce((acc, c) => (acc * 31 + c.charCodeAt(0)) >>> 0, 7);
  while (out.length < bytes) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out += (x >>> 8).toString(36);
  }
  return out.slice(0, bytes);
}

function post(body: string, headers: Record<string, string> = {}): RequestInit {
  return { method: "POST", headers: { "content-type": "text/plain", ...headers }, body };
}

async function storedObjects(): Promise<number> {
  let count = 0;
  let cursor: string | undefined;
  do {
    const page = await env.BLOBS.list({ prefix: "sha256/", ...(cursor ? { cursor } : {}) });
    count += page.objects.length;
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
  return count;
}

async function recordedWith(tag: string): Promise<number> {
  return (await exchanges()).filter((row) => row.url.includes(tag)).length;
}

/** The limiter counts in fixed windows: start a burst just after one opens so it cannot straddle two. */
async function windowStart(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, PERIOD_MS - (Date.now() % PERIOD_MS) + 50));
}

describe("per-client rate limit (RECORD_LIMIT)", () => {
  it("records a cookie-less client's posts up to the limit; the rest are proxied byte-identical, counted, and stored nowhere", async () => {
    const tag = `limit-${crypto.randomUUID().slice(0, 8)}`;
    const [sessionsBefore, objectsBefore, limitedBefore] = [
      (await sessions()).length,
      await storedObjects(),
      counters.notRecorded.rateLimited,
    ];
    await windowStart();
    const posts = TEST_LIMIT + 4;
    for (let i = 0; i < posts; i++) {
      // No cookie jar: like the finding's client, every post starts a session of its own.
      // The last is past the limit and larger than the hand-off reads (1 MiB): its bodies stream to the shard,
      // which cancels its branches of the tee; the visitor's branch must not notice.
      const body = uniqueBody(`${tag}-${i}`, i === posts - 1 ? 1536 * 1024 : 64 * 1024);
      const result = await visit(
        new Request(`${SITE}/mirror?t=${tag}-${i}`, post(body, { "cf-connecting-ip": "192.0.2.77" })),
        edge,
      );
      expect(result.response.status).toBe(200);
      expect(sameBytes(result.body, new TextEncoder().encode(body)), `post ${i}`).toBe(true);
    }
    expect(counters.notRecorded.rateLimited - limitedBefore).toBe(posts - TEST_LIMIT);
    expect(await recordedWith(tag)).toBe(TEST_LIMIT);
    expect((await sessions()).length - sessionsBefore).toBe(TEST_LIMIT);
    // One body per recorded post (request and response carry the same bytes): none for the others.
    expect((await storedObjects()) - objectsBefore).toBe(TEST_LIMIT);
  });

  it("counts clients apart by their truncated network, and shows the count in health", async () => {
    const tag = `nets-${crypto.randomUUID().slice(0, 8)}`;
    await windowStart();
    // 198.51.100.1 and .200 share 198.51.100.0/24: one client. 2001:db8:7::9 (in 2001:db8:7::/48) is another.
    for (let i = 0; i < TEST_LIMIT; i++)
      await visit(
        new Request(
          `${SITE}/mirror?t=${tag}-a${i}`,
          post(`a${i}`, { "cf-connecting-ip": `198.51.100.${i + 1}` }),
        ),
        edge,
      );
    const limitedBefore = counters.notRecorded.rateLimited;
    const sameNetwork = await visit(
      new Request(`${SITE}/mirror?t=${tag}-same`, post("same", { "cf-connecting-ip": "198.51.100.200" })),
      edge,
    );
    const otherNetwork = await visit(
      new Request(`${SITE}/mirror?t=${tag}-other`, post("other", { "cf-connecting-ip": "2001:db8:7::9" })),
      edge,
    );
    expect([sameNetwork.text, otherNetwork.text]).toEqual(["same", "other"]);
    expect(counters.notRecorded.rateLimited - limitedBefore).toBe(1);
    const urls = (await exchanges()).map((row) => row.url);
    expect(urls.some((url) => url.includes(`${tag}-same`))).toBe(false);
    expect(urls.some((url) => url.includes(`${tag}-other`))).toBe(true);
    // The health report itself (api/health.ts), without the API's routing and credentials around it.
    const report = await health(loadConfig(env as Env), env as Env);
    expect(report.isolate.notRecorded.rateLimited).toBe(counters.notRecorded.rateLimited);
    // Health in production runs in another isolate than the shards: each shard reports its own count.
    expect(report.shards.notRecorded.rateLimited).toBeGreaterThanOrEqual(1);
    // Refusing to record is the limit working, not the recorder failing.
    expect(report.status).toBe("ok");
  });
});

describe("per-session storage quota (SESSION_QUOTA_BYTES)", () => {
  const QUOTA = 8 * 1024;
  const small = { ...edge, SESSION_QUOTA_BYTES: String(QUOTA) } as Partial<Env>;

  it("stops recording a session past its quota while other sessions are still recorded, and logs it once", async () => {
    expectLogs("session_over_quota");
    const tag = `quota-${crypto.randomUUID().slice(0, 8)}`;
    const heavy = new Customer(`${tag}-heavy`);
    const overBefore = counters.notRecorded.overQuota;
    const recorded: boolean[] = [];
    for (let i = 0; i < 10; i++) {
      const body = uniqueBody(`${tag}-h${i}`, 3 * 1024);
      const objectsBefore = await storedObjects();
      const result = await heavy.request(`/mirror?t=${tag}-h${i}`, post(body), small);
      expect(sameBytes(result.body, new TextEncoder().encode(body)), `post ${i}`).toBe(true);
      const stored = (await recordedWith(`${tag}-h${i}`)) === 1;
      // An exchange that is not recorded leaves no body in R2 either.
      if (!stored) expect(await storedObjects()).toBe(objectsBefore);
      recorded.push(stored);
    }
    const kept = recorded.filter(Boolean).length;
    // 3 KiB bodies (stored compressed) plus 1 KiB per exchange: the quota holds a few, never all ten.
    expect(kept).toBeGreaterThanOrEqual(2);
    expect(kept).toBeLessThan(10);
    // Once past the quota a session stays past it.
    expect(recorded).toEqual(recorded.map((_, i) => i < kept));
    expect(counters.notRecorded.overQuota - overBefore).toBe(10 - kept);
    expect(loggedEvents("session_over_quota")).toHaveLength(1);
    expect(JSON.stringify(loggedEvents("session_over_quota"))).not.toContain(
      heavy.jar.get(RECORDER_COOKIE) ?? "-",
    );

    const light = new Customer(`${tag}-light`);
    for (let i = 0; i < 2; i++)
      await light.request(`/mirror?t=${tag}-l${i}`, post(uniqueBody(`${tag}-l${i}`, 1024)), small);
    expect(await recordedWith(`${tag}-l`)).toBe(2);
  });

  it("keeps a session past its quota after its shard restarts", async () => {
    expectLogs("session_over_quota");
    const tag = `restart-${crypto.randomUUID().slice(0, 8)}`;
    const heavy = new Customer(`${tag}-heavy`);
    let i = 0;
    const overBefore = counters.notRecorded.overQuota;
    while (counters.notRecorded.overQuota === overBefore && i < 20)
      await heavy.request(`/mirror?t=${tag}-${i++}`, post(uniqueBody(`${tag}-${i}`, 3 * 1024)), small);
    expect(counters.notRecorded.overQuota).toBe(overBefore + 1);

    // The shards holding a session past this quota are reset: a new instance over the same storage, as
    // after an eviction or a deploy (workerd prints one "uncaught exception … restart" line for each).
    let restarted = 0;
    for (const id of await listDurableObjectIds(env.RECORDER)) {
      const stub = env.RECORDER.get(id);
      const holds = await runInDurableObject(
        stub,
        (_shard, state) =>
          state.storage.sql
            .exec<{ n: number }>("SELECT count(*) AS n FROM session_bytes WHERE bytes >= ?", QUOTA)
            .one().n > 0,
      );
      if (!holds) continue;
      restarted++;
      await runInDurableObject(stub, (_shard, state) => state.abort("restart")).catch(() => undefined);
    }
    expect(restarted).toBeGreaterThanOrEqual(1);

    const result = await heavy.request(`/mirror?t=${tag}-after`, post("after restart"), small);
    expect(result.text).toBe("after restart");
    expect(counters.notRecorded.overQuota).toBe(overBefore + 2);
    expect(await recordedWith(`${tag}-after`)).toBe(0);
    // A new session after the restart starts with a quota of its own.
    const fresh = new Customer(`${tag}-fresh`);
    await fresh.request(`/mirror?t=${tag}-fresh`, post("fresh"), small);
    expect(await recordedWith(`${tag}-fresh`)).toBe(1);
  });
});

describe("session quota rules", () => {
  const quota = 16_000;
  it.each([
    ["a session under its quota is recorded", 15_999, true],
    ["a session at its quota is not", 16_000, false],
    ["nor one past it", 20_000, false],
  ] as const)("%s", (_name, used, expected) => {
    expect(withinQuota(used, quota)).toBe(expected);
  });

  it.each([
    ["nothing new", { bytes: 5_000, written: 5_000 }, false],
    ["less than a sixteenth of the quota since the last write", { bytes: 999, written: 0 }, false],
    ["a sixteenth of the quota since the last write", { bytes: 2_000, written: 1_000 }, true],
    ["reaching the quota", { bytes: 16_000, written: 15_500 }, true],
    ["past the quota, written there already", { bytes: 16_200, written: 16_000 }, false],
  ] as const)("writes a total after %s: %s", (_name, entry, expected) => {
    expect(needsWrite(entry, quota)).toBe(expected);
  });
});
