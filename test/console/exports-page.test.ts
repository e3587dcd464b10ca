import { env } from "cloudflare:test";
import { unzipSync } from "fflate";
import { beforeAll, describe, expect, it } from "vitest";
import { AuditLog } from "../../worker/src/audit/audit-log.ts";
import type { ExchangeRow } from "../../worker/src/record/rows.ts";
import { exchanges } from "../helpers/archive.ts";
import { Customer } from "../helpers/browser-like.ts";
import { DEMO } from "../helpers/visit.ts";
import { consoleGet, consolePost, logIn, textOf } from "./support/console-client.ts";

const REFRESH = '<meta http-equiv="refresh"';
const EXPORT_PAGE = /^\/__verbatim\/exports\/([0-9A-Z]{26})$/;

/** Follows an export's own page, as its meta refresh would, until the export ends. */
async function followUntilEnded(path: string, cookie: string, timeoutMs = 20_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const page = await consoleGet(path, cookie);
    expect(page.response.status, page.text.slice(0, 200)).toBe(200);
    const status = /<span class="badge \w+">(queued|running|done|failed)<\/span>/.exec(page.text)?.[1];
    if (status === "done" || status === "failed") return { page, status };
    expect(status, page.text.slice(0, 400)).toMatch(/^(queued|running)$/);
    // Under way, the page reloads itself; it says so.
    expect(page.text).toContain(REFRESH);
    if (Date.now() > until) throw new Error(`${path} still ${status}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function startedAt(result: { response: Response }): string {
  const location = result.response.headers.get("location") ?? "";
  expect(location).toMatch(EXPORT_PAGE);
  return location;
}

const FORM = { day: "", tz: "UTC", session: "", customer: "", url: "" };

describe("exports in the console", () => {
  let rows: ExchangeRow[] = [];
  let session = "";
  let compliance = "";
  let support = "";

  beforeAll(async () => {
    const carol = new Customer("carol-export");
    await carol.request("/");
    await carol.form("/login", { username: "carol", password: "carol-pass" });
    await carol.request("/products/home-insurance");
    await carol.request("/api/quote?product=home-insurance");
    rows = await exchanges();
    session = rows.find((r) => r.url.endsWith("/api/quote?product=home-insurance"))?.session_id ?? "";
    compliance = await logIn(DEMO.compliance);
    support = await logIn(DEMO.support);
  });

  it("starts a session export from the form, follows its progress, and lists its download link once done", async () => {
    const started = await consolePost("/__verbatim/exports", { ...FORM, session }, compliance);
    expect(started.response.status, started.text.slice(0, 300)).toBe(303);
    const path = startedAt(started);
    const id = EXPORT_PAGE.exec(path)?.[1] ?? "";

    const { page, status } = await followUntilEnded(path, compliance);
    expect(status, textOf(page.text)).toBe("done");
    expect(page.text).not.toContain(REFRESH);
    const records = rows.filter((r) => r.session_id === session).length;
    // EXPORT_SLICE_EXCHANGES is 3 in the tests.
    const slices = Math.ceil(records / 3);
    expect(textOf(page.text)).toContain(
      `${slices} of ${slices} slice${slices === 1 ? "" : "s"} · ${records} record${records === 1 ? "" : "s"}`,
    );
    const download = `/__verbatim/api/exports/${id}/download`;
    expect(page.text).toContain(`href="${download}"`);

    const list = await consoleGet("/__verbatim/exports", compliance);
    expect(list.response.status).toBe(200);
    const row = list.text.slice(list.text.indexOf(`href="/__verbatim/exports/${id}"`));
    expect(row.slice(0, row.indexOf("</tr>"))).toContain(`href="${download}"`);
    expect(textOf(list.text)).toContain(`session ${session.slice(0, 12)}`);

    // The link works with the console's sign-in cookie and gives the WACZ.
    const archive = await consoleGet(download, compliance);
    expect(archive.response.status).toBe(200);
    expect(archive.response.headers.get("content-type")).toBe("application/zip");
    expect(Object.keys(unzipSync(archive.body))).toContain("datapackage-digest.json");

    const audited = await new AuditLog(env.DB).list({ action: "export", order: "desc", limit: 10 });
    expect(audited.find((e) => e.target === id)?.actor).toBe("demo:compliance");
  });

  it("exports a customer by identifier without the identifier reaching a URL or the page", async () => {
    const started = await consolePost("/__verbatim/exports", { ...FORM, customer: "carol" }, compliance);
    expect(started.response.status, started.text.slice(0, 300)).toBe(303);
    const path = startedAt(started);
    const { page, status } = await followUntilEnded(path, compliance);
    expect(status, textOf(page.text)).toBe("done");
    const text = textOf(page.text);
    expect(text).toMatch(/customer \[hash:[0-9a-f]{32}\]/);
    expect(text).not.toContain("carol");
    expect(text).toMatch(/[1-9]\d* records/);
  });

  it.each([
    ["two scopes at once", { session: "0123456789abcdef0123456789abcdef", day: "2026-11-28" }, "exactly one"],
    ["no scope", {}, "exactly one of day, session, customer"],
    ["a day that does not exist", { day: "2026-13-40" }, "not a calendar day"],
    ["a relative URL filter", { day: "2026-11-28", url: "checkout" }, "absolute URL prefix"],
    ["a session id that is not one", { session: "../../etc" }, "not a valid id"],
  ])("re-renders the form with the reason for %s (400)", async (_what, fields, message) => {
    const result = await consolePost("/__verbatim/exports", { ...FORM, ...fields }, compliance);
    expect(result.response.status).toBe(400);
    expect(textOf(result.text)).toContain(message);
    expect(result.text).toContain('action="/__verbatim/exports"');
  });

  it("is for compliance only: support is refused, nobody is sent to sign in", async () => {
    for (const path of ["/__verbatim/exports", "/__verbatim/exports/01M8494D9J9MWAYS0H034G9S6W"]) {
      expect((await consoleGet(path, support)).response.status, path).toBe(403);
      const nobody = await consoleGet(path, null);
      expect(nobody.response.status, path).toBe(303);
      expect(nobody.response.headers.get("location")).toBe(
        `/__verbatim/login?next=${encodeURIComponent(path)}`,
      );
    }
    const before = (await env.DB.prepare("SELECT count(*) AS n FROM exports").first<{ n: number }>())?.n;
    expect((await consolePost("/__verbatim/exports", { ...FORM, session }, support)).response.status).toBe(
      403,
    );
    expect((await consolePost("/__verbatim/exports", { ...FORM, session }, null)).response.status).toBe(401);
    const after = (await env.DB.prepare("SELECT count(*) AS n FROM exports").first<{ n: number }>())?.n;
    expect(after).toBe(before);
  });

  it("offers the session's WACZ export and HAR download, and the compliance pages in the nav, to compliance only", async () => {
    const har = `href="/__verbatim/api/sessions/${session}/har"`;
    const exportButton = `<input type="hidden" name="session" value="${session}"/>`;
    const asCompliance = await consoleGet(`/__verbatim/sessions/${session}`, compliance);
    expect(asCompliance.text).toContain(har);
    expect(asCompliance.text).toContain(exportButton);
    expect(textOf(asCompliance.text)).toContain("Export this session (WACZ)");
    const asSupport = await consoleGet(`/__verbatim/sessions/${session}`, support);
    expect(asSupport.response.status).toBe(200);
    expect(asSupport.text).not.toContain(har);
    expect(asSupport.text).not.toContain(exportButton);

    const nav = (html: string) => html.slice(html.indexOf("<nav>"), html.indexOf("</nav>"));
    const links = [
      'href="/__verbatim/exports"',
      'href="/__verbatim/evidence"',
      'href="/__verbatim/audit"',
      'href="/__verbatim/holds"',
    ];
    const complianceNav = nav((await consoleGet("/__verbatim/", compliance)).text);
    const supportNav = nav((await consoleGet("/__verbatim/", support)).text);
    for (const link of links) {
      expect(complianceNav).toContain(link);
      expect(supportNav).not.toContain(link);
    }

    const download = await consoleGet(`/__verbatim/api/sessions/${session}/har`, compliance);
    expect(download.response.status).toBe(200);
    const entries = (JSON.parse(download.text) as { log: { entries: unknown[] } }).log.entries;
    expect(entries.length).toBe(rows.filter((r) => r.session_id === session).length);
  });
});
