import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { replayUrl } from "../../worker/src/replay/replay-host.ts";
import { withEgressGuard } from "../../worker/src/replay/egress-guard.ts";
import { integrityMatches } from "../../worker/src/replay/sri.ts";
import type { ExchangeRow } from "../../worker/src/record/rows.ts";
import { blobText, exchanges } from "../helpers/archive.ts";
import { Customer } from "../helpers/browser-like.ts";
import { SITE, visit } from "../helpers/visit.ts";
import { grantCookieFor } from "./support/replay-grants.ts";
import { SRI_ASSETS, SRI_PAGE, sriHash } from "../origin/edge-origin.ts";

const REPLAY_HOST = env.REPLAY_HOST ?? "replay.localhost";
const CARD = "4111111111111111";

/** What the support agent's browser gets for one path on the page view's replay origin. */
async function replay(pageView: ExchangeRow, path: string, dest: string): Promise<Response> {
  const url = replayUrl(
    { sessionId: pageView.session_id, pageViewId: pageView.id },
    SITE + path,
    "http://127.0.0.1/",
    REPLAY_HOST,
  );
  // Inside the console's frame, with the grant cookie the frame's entry URL left (replay-access.test.ts).
  const cookie = await grantCookieFor(pageView.session_id);
  const { response, body } = await visit(new Request(url, { headers: { "sec-fetch-dest": dest, cookie } }));
  return new Response(body, response);
}

describe("replay of a page whose subresources carry integrity", () => {
  let page: ExchangeRow;

  beforeAll(async () => {
    const dave = new Customer("dave");
    const edge = { ORIGIN: env.EDGE_ORIGIN };
    await dave.request("/sri", {}, edge);
    for (const path of Object.keys(SRI_ASSETS)) {
      const dest = path.endsWith(".css") ? "style" : "script";
      await dave.request(path, { headers: { "sec-fetch-dest": dest } }, edge);
    }
    const rows = await exchanges();
    const found = rows.find((row) => row.page_view === 1 && row.url === `${SITE}/sri`);
    if (!found) throw new Error(`the page view was not recorded; have ${rows.map((r) => r.url).join(", ")}`);
    page = found;
  });

  it("stores the card script masked, so it no longer matches its hash", async () => {
    const card = (await exchanges()).find((row) => row.url === `${SITE}/sri/card.js`);
    const stored = await blobText(card?.response_body_digest ?? null);
    expect(stored).not.toContain(CARD);
    expect(stored).not.toBe(SRI_ASSETS["/sri/card.js"].body);
  });

  it("drops integrity for the masked script only, every other byte as recorded", async () => {
    const response = await replay(page, "/sri", "iframe");
    expect(response.status).toBe(200);
    const masked = ` integrity="${sriHash("sha384", SRI_ASSETS["/sri/card.js"].body)}"`;
    expect(SRI_PAGE).toContain(masked);
    expect(await response.text()).toBe(withEgressGuard(SRI_PAGE.replace(masked, "")));
  });

  it("keeps integrity that the replayed subresources still pass", async () => {
    const html = await (await replay(page, "/sri", "iframe")).text();
    for (const [path, dest] of [
      ["/sri/plain.js", "script"],
      ["/sri/plain.css", "style"],
    ] as const) {
      const integrity = new RegExp(`href=${path} integrity=(\\S+)>|src="${path}" integrity="([^"]+)"`).exec(
        html,
      );
      const value = integrity?.[1] ?? integrity?.[2];
      expect(value, path).toBeDefined();
      const served = await replay(page, path, dest);
      expect(served.status).toBe(200);
      expect(await integrityMatches(new Uint8Array(await served.arrayBuffer()), value ?? "")).toBe(true);
    }
  });
});
