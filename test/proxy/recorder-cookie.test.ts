import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { macOf } from "../../worker/src/access/keys.ts";
import {
  isSignedRecorderCookie,
  RECORDER_COOKIE,
  signedRecorderCookieValue,
} from "../../worker/src/proxy/recorder-cookie.ts";
import { exchanges } from "../helpers/archive.ts";
import { Customer } from "../helpers/browser-like.ts";
import { signedSid } from "../helpers/recorder-cookie.ts";

const SECRET = env.VERBATIM_SECRET ?? "";
const ID = "00112233445566778899aabbccddeeff";

/** Values a client could send that this deployment never minted. */
async function unminted(): Promise<Array<[string, string]>> {
  const valid = await signedRecorderCookieValue(SECRET, ID);
  return [
    ["an unsigned old-style value", ID],
    ["a forged MAC", `${ID}.${"A".repeat(22)}`],
    ["another id under a valid id's MAC", `${"f".repeat(32)}.${valid.split(".")[1] ?? ""}`],
    ["a MAC made for another purpose", `${ID}.${(await macOf(SECRET, "replay-grant", ID)).slice(0, 22)}`],
    ["a MAC under another secret", await signedRecorderCookieValue("another-secret-0123456789", ID)],
    ["the full-length MAC", `${ID}.${await macOf(SECRET, "recorder-cookie", ID)}`],
    ["upper-case hex", `${ID.toUpperCase()}.${valid.split(".")[1] ?? ""}`],
    ["an empty value", ""],
  ];
}

/** The session each of a customer's requests was recorded in, by test id. */
async function sessionsOf(customer: Customer): Promise<string[]> {
  const rows = await exchanges();
  return customer.ids.map((id) => {
    const row = rows.find((r) =>
      (JSON.parse(r.request_headers) as [string, string][]).some(([n, v]) => n === "x-test-id" && v === id),
    );
    if (!row) throw new Error(`no exchange recorded for ${id}`);
    return row.session_id;
  });
}

function sentSid(result: { response: Response }): string | null {
  const line = result.response.headers.getSetCookie().find((c) => c.startsWith(`${RECORDER_COOKIE}=`));
  return line ? (line.split(";")[0] ?? "").slice(RECORDER_COOKIE.length + 1) : null;
}

describe("isSignedRecorderCookie", () => {
  it("accepts a value this deployment minted", async () => {
    expect(await isSignedRecorderCookie(SECRET, await signedRecorderCookieValue(SECRET, ID))).toBe(true);
  });

  it("refuses every value it did not mint", async () => {
    for (const [name, value] of await unminted())
      expect(await isSignedRecorderCookie(SECRET, value), name).toBe(false);
  });
});

describe("the recorder cookie names a session only when signed", () => {
  it.each(["an unsigned old-style value", "a forged MAC", "a MAC made for another purpose"])(
    "replaces %s with a signed one, and records under a session of its own",
    async (name) => {
      const value = (await unminted()).find(([n]) => n === name)?.[1] ?? "";
      const customer = new Customer(`unsigned-${name.replace(/\W+/g, "-")}`);
      customer.jar.set(RECORDER_COOKIE, value);
      const first = await customer.request("/static/site.css");
      const minted = sentSid(first);
      expect(minted).not.toBeNull();
      expect(minted).not.toBe(value);
      expect(await isSignedRecorderCookie(SECRET, minted ?? "")).toBe(true);
      // The jar now holds the new value, as a browser's would: the visit goes on in the new session.
      const second = await customer.request("/static/app.js");
      expect(sentSid(second)).toBeNull();
      const [a, b] = await sessionsOf(customer);
      expect(a).toBe(b);
    },
  );

  it("keeps the session of a valid value and sets no cookie", async () => {
    const customer = new Customer("signed");
    customer.jar.set(RECORDER_COOKIE, await signedSid("signed"));
    const results = [await customer.request("/static/site.css"), await customer.request("/static/app.js")];
    expect(results.map(sentSid)).toEqual([null, null]);
    const [a, b] = await sessionsOf(customer);
    expect(a).toBe(b);
  });

  it("never puts two clients with forged values in one session, whether the values differ or not", async () => {
    const clients = ["forger-a", "forger-b", "forger-c"].map((name) => new Customer(name));
    const [a, b, c] = clients;
    if (!a || !b || !c) throw new Error("unreachable");
    a.jar.set(RECORDER_COOKIE, `${ID}.${"A".repeat(22)}`);
    b.jar.set(RECORDER_COOKIE, `${ID}.${"B".repeat(22)}`);
    // The attack the signature stops: two clients sending the very same chosen value.
    c.jar.set(RECORDER_COOKIE, `${ID}.${"A".repeat(22)}`);
    for (const client of clients) await client.request("/static/site.css");
    const sessions = (await Promise.all(clients.map(sessionsOf))).flat();
    expect(new Set(sessions).size).toBe(3);
  });

  it("names the session by the origin's cookie when the recorder cookie beside it is forged", async () => {
    const clients = ["origin-a", "origin-b"].map((name) => new Customer(name));
    for (const [i, client] of clients.entries()) {
      client.jar.set(RECORDER_COOKIE, ID);
      client.jar.set("shop.sid", `origin-session-${i}`);
    }
    const results = [];
    for (const client of clients) results.push(await client.request("/static/site.css"));
    // As on a first visit with an origin session: nothing to mint, the origin's cookie names the visit.
    expect(results.map(sentSid)).toEqual([null, null]);
    const sessions = (await Promise.all(clients.map(sessionsOf))).flat();
    expect(new Set(sessions).size).toBe(2);
  });

  it("mints nothing when recording is off", async () => {
    const customer = new Customer("off");
    customer.jar.set(RECORDER_COOKIE, ID);
    const result = await customer.request("/static/site.css", {}, { RECORDING: "off" });
    expect(result.response.status).toBe(200);
    expect(sentSid(result)).toBeNull();
  });
});
