import { Agent, request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { readHealth, waitForRecorder } from "./lib/health.ts";
import type { RunningWorker } from "./lib/miniflare-worker.ts";
import { round } from "./lib/stats.ts";
import { browserHeaders, Visitor } from "./lib/visitor.ts";
import type { Section } from "./report.ts";
import { consoleFetch, DEMO_TOKENS } from "../scripts/lib/console-fetch.ts";

/**
 * Replay latency: the time to serve a recorded page view from its replay origin (D1 lookups, R2 read,
 * SHA-256 check, rewrite) against the time to serve the same page live through the recorder (origin fetch
 * plus recording in the background), measured in one run on one Miniflare instance.
 *
 * alice's product page is recorded once and replayed; bob's copy of the same page is fetched live, so the
 * live requests (which are recorded) never add rows to the session being replayed. Requests alternate
 * replay / live, one at a time over one keep-alive connection, each timed to the last body byte.
 *
 * A replay origin serves only a browser holding a grant, and only inside the console's frame
 * (worker/src/replay/replay-access.ts). The bench goes in as a browser does: the read API's replay frame
 * URL is an entry URL, requested as the console's iframe would (Fetch Metadata of a cross-site iframe
 * navigation); its 303 sets the grant cookie, and every timed replay request is that frame's document again,
 * with the cookie and the same Fetch Metadata.
 */
const PAGE = "/products/home-insurance";

type Timed = { ms: number; status: number; bytes: number; outcome: string | null; encoding: string };

/**
 * What Chromium sends for a document loaded into the console's replay frame: the frame's own destination,
 * a navigation, and cross-site (the console's host and a replay origin are different sites; a redirect chain
 * keeps the initiator's relation, so the page after the grant's 303 is cross-site too).
 */
function framedDocumentHeaders(): Record<string, string> {
  return {
    ...browserHeaders("document"),
    "sec-fetch-dest": "iframe",
    "sec-fetch-mode": "navigate",
    "sec-fetch-site": "cross-site",
    "upgrade-insecure-requests": "1",
  };
}

type Answer = { status: number; headers: IncomingHttpHeaders };

/** One GET over node:http whose body is not needed (the grant's redirect). */
function getHeaders(agent: Agent, base: URL, path: string, headers: Record<string, string>): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { agent, host: base.hostname, port: base.port, path, method: "GET", headers },
      (res) => {
        res.resume();
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end();
  });
}

/**
 * Enters the replay as the console's frame does: GET the entry URL (an entry grant in its query), which
 * answers 303 with the grant cookie and the page's path. Returns the replay origin's host, the path and the
 * cookie to send with every replay request.
 */
async function enterReplay(
  agent: Agent,
  base: URL,
  entryUrl: string,
): Promise<{ host: string; path: string; cookie: string }> {
  const entry = new URL(entryUrl);
  const answer = await getHeaders(agent, base, entry.pathname + entry.search, {
    ...framedDocumentHeaders(),
    host: entry.host,
  });
  const cookie = (answer.headers["set-cookie"] ?? [])
    .map((line) => line.split(";")[0] ?? "")
    .find((pair) => pair.startsWith("__Host-verbatim-replay="));
  const path = answer.headers.location;
  if (answer.status !== 303 || !cookie || typeof path !== "string" || !path.startsWith("/"))
    throw new Error(
      `the replay's grant entry answered ${answer.status} (location ${String(path)}, ${cookie ? "a" : "no"} grant cookie)`,
    );
  return { host: entry.host, path, cookie };
}

/** One GET over node:http: fetch() cannot set Host, and the replay origin is chosen by Host. */
function timedGet(agent: Agent, base: URL, path: string, headers: Record<string, string>): Promise<Timed> {
  const began = performance.now();
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { agent, host: base.hostname, port: base.port, path, method: "GET", headers },
      (res) => {
        let bytes = 0;
        res.on("data", (chunk: Buffer) => {
          bytes += chunk.length;
        });
        res.on("end", () => {
          const outcome = res.headers["x-verbatim-replay"];
          resolve({
            encoding: res.headers["content-encoding"] ?? "identity",
            ms: performance.now() - began,
            status: res.statusCode ?? 0,
            bytes,
            outcome: typeof outcome === "string" ? outcome : null,
          });
        });
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end();
  });
}

/** Nearest-rank percentile. */
function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return (
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN
  );
}

async function signIn(base: string, username: string): Promise<Visitor> {
  const visitor = new Visitor(base);
  await visitor.navigate("/login");
  await visitor.submit("/login", { username, password: `${username}-pass` });
  await visitor.get("/api/quote?product=home-insurance", "empty");
  return visitor;
}

type PageView = { id: string; sessionId: string; url: string };

async function recordedPageView(base: string, customer: string): Promise<PageView> {
  const token = DEMO_TOKENS.compliance;
  for (let attempt = 0; attempt < 100; attempt++) {
    const sessions = (await (
      await consoleFetch(base, `/__verbatim/api/sessions?customer=${customer}`, { token })
    ).json()) as {
      sessions: { id: string }[];
    };
    for (const session of sessions.sessions) {
      const page = (await (
        await consoleFetch(base, `/__verbatim/api/sessions/${session.id}/exchanges?limit=500`, { token })
      ).json()) as {
        exchanges: { id: string; pageView: boolean; request: { method: string; url: string } }[];
      };
      const view = page.exchanges.find(
        (e) => e.pageView && e.request.method === "GET" && new URL(e.request.url).pathname === PAGE,
      );
      if (view) return { id: view.id, sessionId: session.id, url: view.request.url };
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no recorded ${PAGE} page view for ${customer}`);
}

/** The read API's replay frame URL for a page view: an entry URL with a grant for the compliance viewer. */
async function replayFrameUrl(base: string, pageViewId: string): Promise<string> {
  const response = await consoleFetch(base, `/__verbatim/api/exchanges/${pageViewId}/replay`, {
    token: DEMO_TOKENS.compliance,
  });
  if (!response.ok) throw new Error(`GET replay frame of ${pageViewId}: ${response.status}`);
  return ((await response.json()) as { replayUrl: string }).replayUrl;
}

export async function runReplayBench(deps: {
  recorder: RunningWorker;
  requests: number;
  log: (line: string) => void;
}): Promise<Section> {
  const { recorder, requests, log } = deps;
  const base = new URL(recorder.url);
  const start = (await readHealth(recorder.url)).isolate;
  const alice = await signIn(recorder.url, "alice");
  const bob = await signIn(recorder.url, "bob");
  const view = await recordedPageView(recorder.url, "alice");
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const replay = await enterReplay(agent, base, await replayFrameUrl(recorder.url, view.id));
  if (replay.path !== PAGE) throw new Error(`the replay's grant led to ${replay.path}, not ${PAGE}`);
  log(`replay: ${replay.host}${replay.path} (entered with a grant)`);

  const replayHeaders = { ...framedDocumentHeaders(), host: replay.host, cookie: replay.cookie };
  const liveHeaders = { ...browserHeaders("document"), host: base.host, cookie: bob.cookieHeader() };
  const warmup = Math.max(10, Math.round(requests / 10));
  const samples = { replay: [] as Timed[], live: [] as Timed[] };
  for (let i = 0; i < warmup + requests; i++) {
    const r = await timedGet(agent, base, replay.path, replayHeaders);
    const l = await timedGet(agent, base, PAGE, liveHeaders);
    if (r.status !== 200 || r.outcome !== "recorded")
      throw new Error(`replay answered ${r.status} (${r.outcome})`);
    if (l.status !== 200) throw new Error(`live answered ${l.status}`);
    if (i >= warmup) {
      samples.replay.push(r);
      samples.live.push(l);
    }
  }
  agent.destroy();
  // Every live request was recorded in the background; the run ends when the recorder has caught up.
  const recorded = alice.exchanges.length + bob.exchanges.length + warmup + requests;
  const drained = await waitForRecorder(recorder.url, start, recorded);

  const replayMs = samples.replay.map((s) => s.ms);
  const liveMs = samples.live.map((s) => s.ms);
  const section: Section = {
    method: `One recorded page view (${PAGE}, signed in) replayed ${requests} times from its replay origin (Host ${new URL(`http://${replay.host}`).hostname.replace(/^[^.]+\./, "<session>--<page view>.")}), as the console's frame loads it (grant cookie from the entry URL, Sec-Fetch-Dest iframe, cross-site navigation), alternating with the same page fetched live through the recorder (recording on) for another signed-in customer; one request at a time over one keep-alive connection to Miniflare, after ${warmup} warm-up pairs; each time runs from request start to the last body byte. Replay: grant cookie check (HMAC), D1 page view and candidate lookups, R2 read, SHA-256 check of the body, HTML rewrite. Live: origin fetch (demo shop on loopback) with the recording done in the background.`,
    requests,
    replay_p50_ms: round(percentile(replayMs, 50), 3),
    replay_p99_ms: round(percentile(replayMs, 99), 3),
    live_p50_ms: round(percentile(liveMs, 50), 3),
    live_p99_ms: round(percentile(liveMs, 99), 3),
    replay_wire_bytes: samples.replay[0]?.bytes ?? 0,
    replay_content_encoding: samples.replay[0]?.encoding ?? "none",
    live_wire_bytes: samples.live[0]?.bytes ?? 0,
    live_content_encoding: samples.live[0]?.encoding ?? "none",
    recorder_drain_ms: Math.round(drained.drainMs),
    notes: [
      "Wire bytes are the body as it crossed the socket (accept-encoding: gzip): the live page is the origin's gzip bytes passed through; the replayed page is stored decoded and compressed again on the way out by the runtime.",
      "Miniflare runs D1 and R2 locally (SQLite and files): production D1/R2 round trips are longer.",
    ],
  };
  return section;
}
