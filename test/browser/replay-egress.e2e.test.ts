import { type Browser, type Frame, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startListeners, startProbeOrigin, type Listeners } from "../origin/egress-probe.ts";
import { api, consoleLogin, launchChromium, startRecorder, type Recorder } from "./harness.ts";

/**
 * Replay isolation in Chromium. A page whose scripts try every way out to the live site (fetch, XHR, an
 * image, a beacon, a WebSocket, WebRTC to a STUN server, same-origin and srcdoc frames for pristine
 * constructors, data: frames, window.open, top.location, a form to _top, location.href) is recorded, then
 * replayed inside the console, signed in as support. The live site is a real HTTP listener and a real UDP
 * listener: neither may hear anything, not even a TCP connection. And a grant for one session does not
 * open another session's replay.
 */

type Probe = { done: boolean; results: Record<string, string> };
type ExchangeView = { id: string; sessionId: string; pageView: boolean; request: { url: string } };

/** Records one visit to `path` through the recorder (no browser: nothing of the probe may run while recording). */
async function record(recorder: Recorder, path: string): Promise<ExchangeView> {
  const response = await fetch(`${recorder.url}${path}`, {
    headers: { "sec-fetch-dest": "document", accept: "text/html" },
  });
  await response.arrayBuffer();
  for (let i = 0; i < 50; i++) {
    const { sessions } = await api<{ sessions: { id: string }[] }>(recorder, "/sessions?limit=50");
    for (const session of sessions) {
      const { exchanges } = await api<{ exchanges: ExchangeView[] }>(
        recorder,
        `/sessions/${session.id}/exchanges`,
      );
      const found = exchanges.find((e) => {
        const url = new URL(e.request.url);
        return e.pageView && url.pathname + url.search === path;
      });
      if (found) return found;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no page view of ${path} was recorded`);
}

/** The replay frame of a console page, once its document has loaded from the replay origin. */
async function replayFrame(page: Page): Promise<Frame> {
  for (let i = 0; i < 100; i++) {
    const frame = page.frames().find((f) => f !== page.mainFrame() && f.url().includes(".replay.localhost"));
    if (frame && !new URL(frame.url()).pathname.startsWith("/__verbatim-replay/")) return frame;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(
    `no replay frame loaded; frames: ${page
      .frames()
      .map((f) => f.url())
      .join(", ")}`,
  );
}

describe("replay isolation in Chromium", () => {
  let listeners: Listeners;
  let origin: { url: string; close: () => Promise<void> };
  let recorder: Recorder;
  let browser: Browser;
  let probe: ExchangeView;

  beforeAll(async () => {
    listeners = await startListeners();
    origin = await startProbeOrigin(listeners.http, listeners.udpPort);
    [recorder, browser] = await Promise.all([startRecorder(origin.url), launchChromium()]);
    probe = await record(recorder, "/probe");
  });

  afterAll(async () => {
    await browser?.close();
    await recorder?.close();
    await origin?.close();
    await listeners?.close();
  });

  it("has listeners that hear a browser that is not confined", async () => {
    // The control: the same WebRTC call from a page with no guard reaches the UDP listener, and an HTTP
    // request reaches the HTTP listener. Otherwise silence below would prove nothing.
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto("about:blank");
    await page.evaluate(`(async () => {
      const pc = new RTCPeerConnection({ iceServers: [{ urls: "stun:127.0.0.1:${listeners.udpPort}" }] });
      pc.createDataChannel("control");
      await pc.setLocalDescription(await pc.createOffer());
      await new Promise((resolve) => setTimeout(resolve, 1500));
      pc.close();
    })()`);
    await (await fetch(`${listeners.http}/control`)).text();
    await context.close();
    const heard = listeners.heard();
    expect(heard.some((line) => line.startsWith("udp "))).toBe(true);
    expect(heard).toContain("GET /control");
    listeners.reset();
  });

  for (const variant of ["console page", "own tab (full window)"] as const) {
    it(`lets nothing leave a replay shown in the ${variant}`, async () => {
      listeners.reset();
      const context = await browser.newContext();
      await consoleLogin(context, recorder);
      const page = await context.newPage();
      const blocked: string[] = [];
      page.on("console", (message) => blocked.push(message.text()));
      const full = variant === "console page" ? "" : "?full=1";
      const response = await page.goto(`${recorder.consoleUrl}/__verbatim/replay/${probe.id}${full}`);
      expect(response?.status()).toBe(200);
      const frame = await replayFrame(page);
      expect(await frame.textContent("h1")).toBe("Egress probe");
      // The probe ends on its own; if it cannot (the frame was navigated away), the listeners still speak first.
      const finished = await frame
        .waitForFunction("window.__probe && window.__probe.done", undefined, { timeout: 30_000 })
        .then(
          () => true,
          () => false,
        );
      // Give late attempts (beacons, ICE retransmissions) time to arrive.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(listeners.heard(), blocked.join("\n")).toEqual([]);
      expect(finished).toBe(true);
      const { results } = (await frame.evaluate("window.__probe")) as Probe;
      // Every probe ran and was stopped where it stood.
      expect(results).toMatchObject({
        fetch: expect.stringMatching(/^failed/),
        rtc: "no constructor",
        "webkit-rtc": "no constructor",
        "rtc-from-frames-index": "no constructor",
        "rtc-from-content-window": "no constructor",
        "rtc-from-inner-html-frame": "no constructor",
        "rtc-in-srcdoc": "no constructor",
        "window-open": "null",
        "top-location": expect.stringMatching(/^threw/),
      });
      // The frame is still the replay: neither the page nor the console was navigated away.
      expect(new URL(frame.url()).hostname).toMatch(/\.replay\.localhost$/);
      expect(new URL(page.url()).hostname).toBe("console.localhost");
      await context.close();
    });
  }

  it("does not open a replay with another session's grant", async () => {
    const other = await record(recorder, "/probe?other=1");
    expect(other.sessionId).not.toBe(probe.sessionId);
    const context = await browser.newContext();
    await consoleLogin(context, recorder);
    const page = await context.newPage();
    // The console hands out a grant for the other session's replay; its frame URL, pointed at this
    // session's replay origin, must be refused.
    await page.goto(`${recorder.consoleUrl}/__verbatim/replay/${other.id}`);
    const otherFrame = await replayFrame(page);
    expect(await otherFrame.textContent("h1")).toBe("Egress probe");
    const entry = await page.getAttribute("iframe.replay", "src");
    if (!entry) throw new Error("the console page has no replay frame");
    const foreign = new URL(entry);
    foreign.hostname = foreign.hostname.replace(
      /^[0-9a-f]{32}--[0-9a-z]{26}/,
      `${probe.sessionId}--${probe.id.toLowerCase()}`,
    );
    const status = await page.evaluate(`new Promise((resolve) => {
      const frame = document.createElement("iframe");
      frame.src = ${JSON.stringify(foreign.href)};
      frame.onload = () => resolve("loaded");
      document.body.append(frame);
    })`);
    expect(status).toBe("loaded");
    const refused = page.frames().find((f) => f.url().startsWith(foreign.origin));
    expect(await refused?.textContent("h1")).toBe("Open this replay from the console");
    await context.close();
  });
});
