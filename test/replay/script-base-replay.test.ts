import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { withEgressGuard } from "../../worker/src/replay/egress-guard.ts";
import { replayUrl } from "../../worker/src/replay/replay-host.ts";
import type { ExchangeRow } from "../../worker/src/record/rows.ts";
import { exchanges } from "../helpers/archive.ts";
import { Customer } from "../helpers/browser-like.ts";
import { SITE, visit } from "../helpers/visit.ts";
import { grantCookieFor } from "./support/replay-grants.ts";
import { BASE_ASSETS, BASE_PAGE } from "../origin/edge-origin.ts";

const REPLAY_HOST = env.REPLAY_HOST ?? "replay.localhost";

function replayUrlOf(pageView: ExchangeRow, path: string): string {
  return replayUrl(
    { sessionId: pageView.session_id, pageViewId: pageView.id },
    SITE + path,
    "http://127.0.0.1/",
    REPLAY_HOST,
  );
}

/** What the support agent's browser gets for one path on the page view's replay origin. */
async function replay(pageView: ExchangeRow, path: string, dest: string): Promise<Response> {
  const url = replayUrlOf(pageView, path);
  // Inside the console's frame, with the grant cookie the frame's entry URL left (replay-access.test.ts).
  const cookie = await grantCookieFor(pageView.session_id);
  const { response, body } = await visit(new Request(url, { headers: { "sec-fetch-dest": dest, cookie } }));
  return new Response(body, response);
}

describe("replay of an app that builds API URLs from an absolute base", () => {
  let page: ExchangeRow;
  /** The page view's replay origin (`http://<session>--<page view>.<REPLAY_HOST>`), as scripts now name it. */
  let origin: string;

  beforeAll(async () => {
    const erin = new Customer("erin");
    const edge = { ORIGIN: env.EDGE_ORIGIN };
    await erin.request("/base", {}, edge);
    await erin.request("/base/app.js", { headers: { "sec-fetch-dest": "script" } }, edge);
    await erin.request("/base/options.json", { headers: { "sec-fetch-dest": "empty" } }, edge);
    const rows = await exchanges();
    const found = rows.find((row) => row.url === `${SITE}/base` && row.page_view === 1);
    if (!found) throw new Error(`the page view was not recorded; have ${rows.map((r) => r.url).join(", ")}`);
    page = found;
    origin = new URL(replayUrlOf(page, "/")).origin;
  });

  it("points the base at the replay origin in inline scripts and JSON islands, and drops the stale integrity", async () => {
    const response = await replay(page, "/base", "iframe");
    expect(response.status).toBe(200);
    const expected = BASE_PAGE.replace(
      'window.__BASE = {"base":"https://shop.example/"',
      `window.__BASE = {"base":"${origin}/"`,
    )
      .replace('{"url":"https://shop.example/island"}', `{"url":"${origin}/island"}`)
      .replace(/ integrity="[^"]+"/, "");
    expect(await response.text()).toBe(withEgressGuard(expected));
  });

  it("rewrites string literals of the script, not its comments, regexes or code", async () => {
    const response = await replay(page, "/base/app.js", "script");
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(
      BASE_ASSETS["/base/app.js"].body.replace('"https://shop.example/api/x"', `"${origin}/api/x"`),
    );
  });

  it("rewrites JSON string values with escaped slashes and the bare origin", async () => {
    const response = await replay(page, "/base/options.json", "empty");
    expect(response.status).toBe(200);
    const escaped = origin.replaceAll("/", "\\/");
    expect(await response.text()).toBe(
      `{"base":"${escaped}\\/","cdn":"https://cdn.example/","origin":"${origin}"}`,
    );
  });

  it("names the page view's own replay origin, scheme included", async () => {
    expect(origin).toMatch(new RegExp(`^https?://${page.session_id}--${page.id}\\.`, "i"));
    const response = await replay(page, "/base/app.js", "script");
    expect(await response.text()).toContain(`var api = "${origin}/api/x";`);
  });
});
