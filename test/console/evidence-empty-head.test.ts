import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { Env } from "../../worker/src/env.ts";
import { evidenceLog } from "../../worker/src/evidence/evidence-log.ts";
import { exchanges } from "../helpers/archive.ts";
import { Customer } from "../helpers/browser-like.ts";
import { DEMO } from "../helpers/visit.ts";
import { consoleGet, consolePost, logIn, textOf } from "./support/console-client.ts";

/** Its own file, so the log starts empty (storage is per test file). */
describe("a head signed over the empty log", () => {
  it("is listed as 0 leaves, and a page view recorded after it replays as not yet sealed", async () => {
    const cookie = await logIn(DEMO.compliance);
    expect(await evidenceLog(env as Env).size()).toBe(0);
    const signed = await consolePost("/__verbatim/evidence/heads", {}, cookie);
    expect(signed.response.headers.get("location")).toBe("/__verbatim/evidence?signed=0");
    const page = textOf((await consoleGet("/__verbatim/evidence?signed=0", cookie)).text);
    expect(page).toContain("Latest signed head 0 leaves");

    await new Customer("fay-evidence").request("/");
    const [home] = (await exchanges()).filter((r) => r.page_view === 1);
    if (!home) throw new Error("no page view recorded");
    const replay = await consoleGet(`/__verbatim/replay/${home.id}`, cookie);
    expect(replay.response.status, replay.text.slice(0, 300)).toBe(200);
    expect(textOf(replay.text)).toContain("Evidence log: the latest tree head covers no leaves yet.");
  });
});
