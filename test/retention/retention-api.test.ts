import { createScheduledController, env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { AuditLog } from "../../worker/src/audit/index.ts";
import type { Env } from "../../worker/src/env.ts";
import { evidenceLog } from "../../worker/src/evidence/evidence-log.ts";
import worker from "../../worker/src/index.ts";
import { Customer } from "../helpers/browser-like.ts";
import { DEMO, CONSOLE, visit } from "../helpers/visit.ts";
import { consoleGet, consolePost, logIn, textOf } from "../console/support/console-client.ts";
import { api } from "./support/recording.ts";

const SESSION = "0123456789abcdef0123456789abcdef";

describe("retention API", () => {
  it.each([
    ["GET", "/holds"],
    ["POST", "/holds"],
    ["POST", "/holds/0123456789abcdef/lift"],
    ["GET", "/retention"],
    ["POST", "/retention/run"],
  ] as const)(
    "%s %s is compliance's: support and ops are refused, nobody must sign in",
    async (method, path) => {
      const body = method === "POST" ? { kind: "session", value: SESSION, reason: "r" } : undefined;
      expect((await api(method, path, body, DEMO.support)).response.status).toBe(403);
      expect((await api(method, path, body, DEMO.ops)).response.status).toBe(403);
      expect((await api(method, path, body, DEMO.admin)).response.status).toBe(403);
      const anonymous = await visit(
        new Request(`${CONSOLE}/__verbatim/api${path}`, { method, headers: { origin: CONSOLE } }),
      );
      expect(anonymous.response.status).toBe(401);
    },
  );

  it.each([
    ["not JSON", "{kind:", 'the body must be JSON: {"kind": "session"|"customer"|"day", "value", "reason"}'],
    [
      "an unknown kind",
      { kind: "room", value: "x", reason: "r" },
      "kind must be one of session, customer, day",
    ],
    ["a session id that is not one", { kind: "session", value: "abc", reason: "r" }, "32 hex characters"],
    [
      "a day that does not exist",
      { kind: "day", value: "2026-02-30", reason: "r" },
      "a day is a UTC date, YYYY-MM-DD",
    ],
    ["a day in another format", { kind: "day", value: "30/01/2026", reason: "r" }, "a day is a UTC date"],
    ["no value", { kind: "customer", value: " ", reason: "r" }, "value must name the customer to hold"],
    ["no reason", { kind: "session", value: SESSION }, "a hold needs a reason"],
    [
      "a reason too long",
      { kind: "session", value: SESSION, reason: "x".repeat(501) },
      "at most 500 characters",
    ],
  ])("refuses a hold with %s: 400 saying why", async (_name, body, message) => {
    const answer = await api("POST", "/holds", body);
    expect(answer.response.status).toBe(400);
    expect((JSON.parse(answer.text) as { error: { code: string; message: string } }).error).toEqual({
      code: "bad_query",
      message: expect.stringContaining(message),
    });
  });

  it("places a hold on a customer by its keyed token, audited before it is placed, and lists it", async () => {
    const placed = await api("POST", "/holds", {
      kind: "customer",
      value: "dana@example.com",
      reason: "DSAR 12",
    });
    expect(placed.response.status).toBe(201);
    const hold = JSON.parse(placed.text) as { id: string; value: string; active: boolean; placedBy: string };
    expect(hold.value).toMatch(/^\[hash:[0-9a-f]{32}\]$/);
    expect(hold).toMatchObject({ active: true, placedBy: "demo:compliance" });
    const entries = await new AuditLog(env.DB).list({ action: "hold", limit: 10 });
    expect(entries.find((e) => e.target === hold.id)?.detail).toEqual({
      kind: "customer",
      value: hold.value,
      reason: "DSAR 12",
    });
    expect(JSON.stringify(entries)).not.toContain("dana");
    const listed = JSON.parse((await api("GET", "/holds")).text) as { holds: { id: string }[] };
    expect(listed.holds.map((h) => h.id)).toContain(hold.id);
  });

  it("lifts a hold once, keeps it listed, and says why a second lift or an unknown hold is refused", async () => {
    const placed = JSON.parse(
      (await api("POST", "/holds", { kind: "day", value: "2026-11-23", reason: "audit 4" })).text,
    ) as { id: string };
    expect((await api("POST", `/holds/${placed.id}/lift`, {})).text).toContain(
      "lifting a hold needs a reason",
    );
    const lifted = await api("POST", `/holds/${placed.id}/lift`, { reason: "audit closed" });
    expect(lifted.response.status).toBe(200);
    expect(JSON.parse(lifted.text)).toMatchObject({
      active: false,
      liftedBy: "demo:compliance",
      liftReason: "audit closed",
    });
    const again = await api("POST", `/holds/${placed.id}/lift`, { reason: "again" });
    expect(again.response.status).toBe(400);
    expect(again.text).toContain("was already lifted by demo:compliance");
    expect((await api("POST", "/holds/ffffffffffffffff/lift", { reason: "r" })).response.status).toBe(404);
    expect((await api("POST", "/holds/nope/lift", { reason: "r" })).text).toContain("16 hex characters");
    const listed = JSON.parse((await api("GET", "/holds")).text) as {
      holds: { id: string; active: boolean }[];
    };
    expect(listed.holds.find((h) => h.id === placed.id)?.active).toBe(false);
    // The row stays: the database refuses to delete a hold or to lift it twice.
    await expect(
      env.DB.prepare("DELETE FROM legal_holds WHERE id = ?").bind(placed.id).run(),
    ).rejects.toThrow(/lifted, never deleted/);
    await expect(
      env.DB.prepare("UPDATE legal_holds SET lifted_at = 1 WHERE id = ?").bind(placed.id).run(),
    ).rejects.toThrow(/only once/);
  });

  it("runs a batch on demand and reports the policy and the run", async () => {
    const ran = await api("POST", "/retention/run");
    expect(ran.response.status).toBe(200);
    expect(JSON.parse(ran.text)).toMatchObject({
      skipped: false,
      trigger: "manual",
      requestedBy: "demo:compliance",
    });
    const status = JSON.parse((await api("GET", "/retention")).text) as Record<string, unknown>;
    expect(status).toMatchObject({
      policy: [{ host: "*", period: "7y" }],
      lastRun: { trigger: "manual", counts: { sessions: 0 } },
    });
    const audited = await new AuditLog(env.DB).list({ action: "retention.run", limit: 10 });
    expect(audited.map((e) => e.actor)).toContain("demo:compliance");
  });

  it("reports a RETENTION that does not parse on health, and deletes nothing under it", async () => {
    const bad = { RETENTION: "shop.example=7 years" };
    const health = await visit(
      new Request(`${CONSOLE}/__verbatim/api/health`, { headers: { authorization: `Bearer ${DEMO.ops}` } }),
      bad,
    );
    expect(health.text).toContain('RETENTION: \\"shop.example=7 years\\": a period is whole days (400d)');
    const run = await visit(
      new Request(`${CONSOLE}/__verbatim/api/retention/run`, {
        method: "POST",
        headers: { authorization: `Bearer ${DEMO.compliance}`, origin: CONSOLE },
      }),
      bad,
    );
    expect(run.response.status).toBe(503);
    expect(run.text).toContain("RETENTION does not parse");
  });
});

describe("legal holds page", () => {
  it("shows the policy and the holds, places and lifts a hold through its forms, and re-shows bad input", async () => {
    const cookie = await logIn(DEMO.compliance);
    const empty = await consoleGet("/__verbatim/holds", cookie);
    expect(empty.response.status).toBe(200);
    expect(textOf(empty.text)).toContain("every other site 7y");
    const placed = await consolePost(
      "/__verbatim/holds",
      { kind: "session", value: SESSION, reason: "case 9" },
      cookie,
    );
    expect(placed.response.status).toBe(303);
    const page = await consoleGet(placed.response.headers.get("location") ?? "", cookie);
    expect(textOf(page.text)).toContain("The hold is in force.");
    expect(textOf(page.text)).toContain(`session ${SESSION} case 9`);
    const id = /action="\/__verbatim\/holds\/([0-9a-f]{16})\/lift"/.exec(page.text)?.[1] ?? "";
    expect(id).toMatch(/^[0-9a-f]{16}$/);
    const bad = await consolePost(
      "/__verbatim/holds",
      { kind: "day", value: "tomorrow", reason: "x" },
      cookie,
    );
    expect(bad.response.status).toBe(400);
    expect(textOf(bad.text)).toContain('a day is a UTC date, YYYY-MM-DD; got "tomorrow"');
    const lifted = await consolePost(`/__verbatim/holds/${id}/lift`, { reason: "case closed" }, cookie);
    expect(lifted.response.status).toBe(303);
    const after = textOf((await consoleGet("/__verbatim/holds", cookie)).text);
    expect(after).toContain("Lifted holds");
    expect(after).toContain("demo:compliance: case closed");
  });

  it("refuses a form posted from another origin, and the page to support", async () => {
    const cookie = await logIn(DEMO.compliance);
    const forged = await consolePost(
      "/__verbatim/holds",
      { kind: "session", value: SESSION, reason: "x" },
      cookie,
      "https://evil.example",
    );
    expect(forged.response.status).toBe(403);
    const support = await logIn(DEMO.support);
    expect((await consoleGet("/__verbatim/holds", support)).response.status).toBe(403);
  });
});

describe("retention from the cron", () => {
  const HOUR = 3_600_000;
  const lastRun = async () =>
    (JSON.parse((await api("GET", "/retention")).text) as { lastRun: { at: number; trigger: string } | null })
      .lastRun;
  const cron = (at: number, overrides: Partial<Env> = {}) =>
    worker.scheduled(createScheduledController({ scheduledTime: at, cron: "0 * * * *" }), {
      ...env,
      ...overrides,
    } as Env);

  it("completes one cycle a UTC day: later hours of the same day do nothing, the next day runs again", async () => {
    const midnight = Math.floor(Date.now() / (24 * HOUR)) * 24 * HOUR;
    await cron(midnight + HOUR);
    expect(await lastRun()).toMatchObject({ at: midnight + HOUR, trigger: "cron", done: true });
    await cron(midnight + 2 * HOUR);
    expect((await lastRun())?.at).toBe(midnight + HOUR);
    await cron(midnight + 25 * HOUR);
    expect((await lastRun())?.at).toBe(midnight + 25 * HOUR);
  });

  it("signs the evidence log's head even when retention fails (the jobs are independent)", async () => {
    await new Customer("cron-visitor").request("/");
    const at = Date.now() + 3 * 24 * HOUR;
    await cron(at, { RETENTION: "seven years" });
    expect((await evidenceLog(env as Env).latest())?.at).toBe(at);
    expect((await lastRun())?.at).not.toBe(at);
  });
});
