import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { AuditLog } from "../../worker/src/audit/audit-log.ts";
import type { Env } from "../../worker/src/env.ts";
import { evidenceLog } from "../../worker/src/evidence/evidence-log.ts";
import { logVerifierKey } from "../../worker/src/evidence/log-keys.ts";
import type { ExchangeRow } from "../../worker/src/record/rows.ts";
import { exchanges, tamperRecord } from "../helpers/archive.ts";
import { Customer } from "../helpers/browser-like.ts";
import { DEMO } from "../helpers/visit.ts";
import { consoleGet, consolePost, logIn, textOf } from "./support/console-client.ts";

const log = () => evidenceLog(env as Env);
const EVIDENCE_LINK = 'href="/__verbatim/evidence"';

/** The log's part of a replay page: the banner cell and the sentence above the integrity checks. */
async function replaySeal(id: string, cookie: string) {
  const page = await consoleGet(`/__verbatim/replay/${id}`, cookie);
  expect(page.response.status, page.text.slice(0, 300)).toBe(200);
  const banner = page.text.slice(
    page.text.indexOf('<section class="banner"'),
    page.text.indexOf("</section>"),
  );
  const cell = banner.slice(banner.indexOf("<b>Evidence log</b>"));
  const checks = page.text.slice(
    page.text.indexOf("<h2>Integrity checks</h2>"),
    page.text.indexOf("<table", page.text.indexOf("<h2>Integrity checks</h2>")),
  );
  return { label: textOf(cell.slice(0, cell.indexOf("</div>"))), line: textOf(checks), html: checks };
}

describe("the evidence log in the console", () => {
  let pageViews: ExchangeRow[] = [];
  let compliance = "";
  let support = "";

  beforeAll(async () => {
    const dana = new Customer("dana-evidence");
    await dana.request("/");
    await dana.request("/products/home-insurance");
    await dana.request("/checkout");
    pageViews = (await exchanges()).filter((r) => r.page_view === 1);
    compliance = await logIn(DEMO.compliance);
    support = await logIn(DEMO.support);
  });

  it("replays a page view as not yet sealed while no head covers it", async () => {
    const [home] = pageViews;
    if (!home) throw new Error("no page view recorded");
    expect(await log().latest()).toBeNull();
    const seal = await replaySeal(home.id, compliance);
    expect(seal.label).toContain("not yet under a signed head");
    expect(seal.line).toContain("Evidence log: no tree head has been signed yet.");
  });

  it("signs a head from the page's button and then lists it with its checkpoint and the published key", async () => {
    const size = await log().size();
    expect(size).toBeGreaterThanOrEqual(pageViews.length);
    const before = textOf((await consoleGet("/__verbatim/evidence", compliance)).text);
    expect(before).toContain("No tree head has been signed yet.");
    expect(before).toContain(`Not yet under a head ${size}`);

    const signed = await consolePost("/__verbatim/evidence/heads", {}, compliance);
    expect(signed.response.status, signed.text.slice(0, 300)).toBe(303);
    expect(signed.response.headers.get("location")).toBe(`/__verbatim/evidence?signed=${size}`);

    const page = await consoleGet(`/__verbatim/evidence?signed=${size}`, compliance);
    expect(page.response.status).toBe(200);
    const text = textOf(page.text);
    expect(text).toContain(`Signed: the latest head covers ${size} leaves.`);
    expect(text).toContain(`Latest signed head ${size} leaves`);
    expect(text).toContain("Not yet under a head 0");
    const head = await log().latest();
    if (!head) throw new Error("no head after signing");
    expect(head.size).toBe(size);
    // The checkpoint exactly as signed: origin, size, root, the signature line.
    const notes = [...page.text.matchAll(/<pre class="note">([\s\S]*?)<\/pre>/g)].map((m) =>
      textOf(m[1] ?? ""),
    );
    expect(notes).toContain(textOf(head.note));
    expect(head.note.split("\n").slice(0, 2)).toEqual(["verbatim.localhost/log", String(size)]);
    expect(notes).toContain(await logVerifierKey(env as Env));

    const signs = await new AuditLog(env.DB).list({ action: "evidence.sign", order: "desc", limit: 5 });
    expect(signs[0]?.actor).toBe("demo:compliance");
  });

  it("replays a sealed page view with its leaf and the head its proof was checked against", async () => {
    const [home] = pageViews;
    const head = await log().latest();
    if (!home || !head) throw new Error("no page view or head");
    const [inclusion] = await log().inclusion([home.id], head.size);
    if (!inclusion || !("leaf" in inclusion)) throw new Error("the page view is not in the log");
    const seal = await replaySeal(home.id, compliance);
    expect(seal.label).toContain("sealed, proof checks");
    expect(seal.line).toContain(
      `Sealed in the evidence log: leaf ${inclusion.leaf} of ${head.size}, proof checked against the signed head of`,
    );
    expect(seal.html).toContain(`datetime="${new Date(head.at).toISOString()}"`);
    expect(seal.html).toContain(EVIDENCE_LINK);
    // Support sees the same verdict, without a link to a page they may not open.
    const asSupport = await replaySeal(home.id, support);
    expect(asSupport.label).toBe(seal.label);
    expect(asSupport.html).not.toContain(EVIDENCE_LINK);
  });

  it("says a record changed after it was sealed is altered", async () => {
    const checkout = pageViews.find((r) => r.url.endsWith("/checkout"));
    if (!checkout) throw new Error("no checkout page view");
    await tamperRecord(checkout.id, (row) => {
      row.status = 500;
    });
    const seal = await replaySeal(checkout.id, compliance);
    expect(seal.label).toContain("altered since sealed");
    expect(seal.line).toContain("the log sealed record hash");
    // The other records still verify.
    const [home] = pageViews;
    expect((await replaySeal(home?.id ?? "", compliance)).label).toContain("sealed, proof checks");
  });

  it("is for compliance only: support is refused, nobody is sent to sign in", async () => {
    expect((await consoleGet("/__verbatim/evidence", support)).response.status).toBe(403);
    const nobody = await consoleGet("/__verbatim/evidence", null);
    expect(nobody.response.status).toBe(303);
    expect(nobody.response.headers.get("location")).toBe("/__verbatim/login?next=%2F__verbatim%2Fevidence");
    // The log grew, so a sign that got through would add a head.
    await new Customer("erin-evidence").request("/");
    const heads = (await log().heads(100)).length;
    expect((await consolePost("/__verbatim/evidence/heads", {}, support)).response.status).toBe(403);
    expect((await consolePost("/__verbatim/evidence/heads", {}, null)).response.status).toBe(401);
    expect((await log().heads(100)).length).toBe(heads);
  });
});
