import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { customerToken } from "../../worker/src/mask/keyed-hash.ts";
import { forgetLearnedForms } from "../../worker/src/recorder/learned-forms.ts";
import type { ExchangeRow } from "../../worker/src/record/rows.ts";
import { blobText, exchanges } from "../helpers/archive.ts";
import { Customer } from "../helpers/browser-like.ts";
import { adminGet, SITE, visit } from "../helpers/visit.ts";
import { replayUrl } from "../../worker/src/replay/replay-host.ts";
import { grantCookieFor } from "../replay/support/replay-grants.ts";
import { gunzipSync } from "fflate";

const edge = () => ({ ORIGIN: env.EDGE_ORIGIN });
const secret = () => env.VERBATIM_SECRET ?? "";

type Health = { status: string; isolate: { formsUnseen: number; formsLearned: number } };

async function health(): Promise<Health> {
  return JSON.parse((await adminGet("/health")).text) as Health;
}

/** A password no rule could guess, so finding it anywhere means it was stored. */
function randomPassword(): string {
  return `pw-${crypto.randomUUID()}`;
}

async function postedBody(customer: Customer, action: string, fields: Record<string, string>) {
  const result = await customer.request(
    action,
    {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(fields).toString(),
    },
    edge(),
  );
  const row = (await exchanges()).find((r) => r.method === "POST" && testIdOf(r) === result.id);
  if (!row) throw new Error(`no exchange recorded for ${result.id}`);
  return { row, body: await blobText(row.request_body_digest) };
}

function testIdOf(row: ExchangeRow): string | undefined {
  return (JSON.parse(row.request_headers) as [string, string][]).find(([n]) => n === "x-test-id")?.[1];
}

/** Every R2 object (gunzipped too) and every row of every D1 table, as latin-1 text. */
async function everyStoredByte(): Promise<string> {
  const parts: string[] = [];
  for (const object of (await env.BLOBS.list()).objects) {
    const body = await env.BLOBS.get(object.key);
    if (!body) continue;
    const bytes = new Uint8Array(await body.arrayBuffer());
    parts.push(latin1(bytes), JSON.stringify(body.customMetadata ?? {}));
    if (bytes[0] === 0x1f && bytes[1] === 0x8b) parts.push(latin1(gunzipSync(bytes)));
  }
  const { results: tables } = await env.DB.prepare(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'",
  ).all<{ name: string }>();
  expect(tables.map((t) => t.name)).toContain("learned_forms");
  for (const { name } of tables) {
    const { results } = await env.DB.prepare(`SELECT * FROM "${name}"`).all();
    parts.push(JSON.stringify(results));
  }
  return parts.join("\n");
}

function latin1(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i += 0x8000) out += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return out;
}

async function learnedFormRows(key: string): Promise<Array<{ fields: string; updated_at: number }>> {
  const { results } = await env.DB.prepare("SELECT fields, updated_at FROM learned_forms WHERE form_key = ?")
    .bind(key)
    .all<{ fields: string; updated_at: number }>();
  return results;
}

describe("form-aware masking (learned forms)", () => {
  it("redacts a password field named `p` by its declared type and hashes the login field as the customer", async () => {
    const alice = new Customer("alice");
    const password = randomPassword();
    await alice.request("/sign-in", {}, edge());
    const { row, body } = await postedBody(alice, "/login", { u: "alice", p: password });

    expect(body).toBe(`u=${encodeURIComponent(customerToken(secret(), "alice"))}&p=%5BREDACTED%5D`);
    const stored = await everyStoredByte();
    for (const form of [password, encodeURIComponent(password), btoa(password)])
      expect(stored).not.toContain(form);

    const search = JSON.parse((await adminGet("/sessions?customer=alice")).text) as {
      sessions: Array<{ id: string }>;
    };
    expect(search.sessions.map((s) => s.id)).toContain(row.session_id);
  });

  it("masks by the declared form after the isolate forgot it, reading it back from D1", async () => {
    const carol = new Customer("carol");
    const password = randomPassword();
    await carol.request("/sign-in?action=/login/again", {}, edge());
    expect(await learnedFormRows("POST /login/again")).toHaveLength(1);
    forgetLearnedForms();

    const before = await health();
    const { body } = await postedBody(carol, "/login/again?next=/home", { u: "carol", p: password });
    expect(body).toBe(`u=${encodeURIComponent(customerToken(secret(), "carol"))}&p=%5BREDACTED%5D`);
    expect((await health()).isolate.formsUnseen).toBe(before.isolate.formsUnseen);
    expect(await everyStoredByte()).not.toContain(password);
  });

  it("counts a post to an action no page declared, without failing health, and still masks by name", async () => {
    const dave = new Customer("dave");
    const password = randomPassword();
    const before = await health();
    const { body } = await postedBody(dave, "/accept", { user: "dave", password, note: "hello" });
    const after = await health();

    expect(after.isolate.formsUnseen).toBe(before.isolate.formsUnseen + 1);
    expect(after.status).toBe("ok");
    expect(body).toContain("password=%5BREDACTED%5D");
    expect(body).toContain("note=hello");
    expect(await everyStoredByte()).not.toContain(password);

    // A JSON call has no form to have seen: it is not counted.
    await dave.request(
      "/accept",
      { method: "POST", headers: { "content-type": "application/json" }, body: '{"a":1}' },
      edge(),
    );
    expect((await health()).isolate.formsUnseen).toBe(after.isolate.formsUnseen);
  });

  it("writes a form served again and again once, even when the isolate has forgotten it", async () => {
    const erin = new Customer("erin");
    const before = await health();
    await erin.request("/sign-in?action=/login/twice", {}, edge());
    const [first] = await learnedFormRows("POST /login/twice");
    await erin.request("/sign-in?action=/login/twice", {}, edge());
    forgetLearnedForms();
    await erin.request("/sign-in?action=/login/twice", {}, edge());

    const rows = await learnedFormRows("POST /login/twice");
    expect(rows).toHaveLength(1);
    expect(rows[0]?.updated_at).toBe(first?.updated_at);
    expect((await health()).isolate.formsLearned).toBe(before.isolate.formsLearned + 1);
    expect(JSON.parse(rows[0]?.fields ?? "[]")).toEqual([
      { name: "p", type: "password", tag: "input", attribs: { type: "password" }, login: false },
      { name: "u", type: "text", tag: "input", attribs: {}, login: true },
    ]);
  });

  it("replays a post to a learned form exactly whatever password the support agent types", async () => {
    const frank = new Customer("frank");
    const page = await frank.request("/sign-in?action=/login/replayed", {}, edge());
    await postedBody(frank, "/login/replayed", { u: "frank", p: randomPassword() });
    const pageView = (await exchanges()).find((r) => testIdOf(r) === page.id);
    if (!pageView) throw new Error("the sign-in page was not recorded");

    const url = replayUrl(
      { sessionId: pageView.session_id, pageViewId: pageView.id },
      `${SITE}/login/replayed`,
      "http://127.0.0.1/",
      env.REPLAY_HOST ?? "replay.localhost",
    );
    const replayed = await visit(
      new Request(url, {
        method: "POST",
        // The agent submits the replayed form inside the console's frame: a same-origin navigation of the
        // iframe, with the grant cookie the frame's entry URL set for this session (replay/replay-access.ts).
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          accept: "text/html,application/xhtml+xml,*/*;q=0.8",
          origin: new URL(url).origin,
          "sec-fetch-dest": "iframe",
          "sec-fetch-mode": "navigate",
          "sec-fetch-site": "same-origin",
          cookie: await grantCookieFor(pageView.session_id),
        },
        body: `u=frank&p=${randomPassword()}`,
      }),
    );
    expect(replayed.response.headers.get("x-verbatim-match")).toBe("exact");
  });
});
