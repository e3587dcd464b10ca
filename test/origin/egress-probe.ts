import { createSocket } from "node:dgram";
import { createServer } from "node:http";

/**
 * The egress probe: a "live site" that must hear nothing from a replay, and a page that tries every way out.
 * The live site is a real HTTP listener (it counts TCP connections as well as requests: Chromium may open a
 * connection before a CSP check refuses the request) and a real UDP listener (STUN/TURN, WebRTC's way out).
 * The page is served by an origin of its own, recorded through the recorder, then replayed in the console.
 */
export type Listeners = {
  http: string;
  udpPort: number;
  /** What reached the listeners: `tcp`, `GET /path`, `udp <bytes>` lines. */
  heard: () => string[];
  reset: () => void;
  close: () => Promise<void>;
};

export async function startListeners(): Promise<Listeners> {
  let heard: string[] = [];
  const http = createServer((request, response) => {
    heard.push(`${request.method} ${request.url}`);
    response.end("live site");
  });
  http.on("connection", () => heard.push("tcp"));
  const udp = createSocket("udp4");
  udp.on("message", (message) => heard.push(`udp ${message.byteLength}`));
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  await new Promise<void>((resolve) => udp.bind(0, "127.0.0.1", resolve));
  const httpAddress = http.address();
  if (httpAddress === null || typeof httpAddress === "string") throw new Error("no HTTP listener address");
  return {
    http: `http://127.0.0.1:${httpAddress.port}`,
    udpPort: udp.address().port,
    heard: () => [...heard],
    reset: () => {
      heard = [];
    },
    close: async () => {
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
      await new Promise<void>((resolve) => udp.close(() => resolve()));
    },
  };
}

/**
 * The probe page. Each attempt writes what happened to `window.__probe` (read by the test through the
 * frame), so a probe that silently did nothing is told apart from one that was stopped. The navigations
 * come last: one that succeeded would end the page.
 */
export function probePage(live: string, udpPort: number): string {
  const stun = JSON.stringify({ iceServers: [{ urls: `stun:127.0.0.1:${udpPort}` }] });
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Egress probe</title></head>
<body><h1>Egress probe</h1>
<form id="top-form" action="${live}/form-top" target="_top" method="post"><input name="q" value="1"></form>
<form id="self-form" action="${live}/form-self" method="post"><input name="q" value="1"></form>
<script>
var probe = (window.__probe = { done: false, results: {} });
function note(name, value) { probe.results[name] = String(value); }
function attempt(name, fn) { try { note(name, fn()); } catch (e) { note(name, "threw " + (e && e.name)); } }
var LIVE = ${JSON.stringify(live)}, ICE = ${stun};
async function rtc(name, Peer) {
  if (typeof Peer !== "function") return note(name, "no constructor");
  try {
    var pc = new Peer(ICE);
    pc.createDataChannel("probe");
    await pc.setLocalDescription(await pc.createOffer());
    await new Promise(function (r) { setTimeout(r, 1500); });
    note(name, "gathering " + pc.iceGatheringState);
    pc.close();
  } catch (e) { note(name, "threw " + (e && e.name)); }
}
(async function () {
  fetch(LIVE + "/fetch").then(function () { note("fetch", "answered"); }, function (e) { note("fetch", "failed " + e.name); });
  attempt("xhr", function () { var x = new XMLHttpRequest(); x.open("GET", LIVE + "/xhr"); x.send(); return "sent"; });
  attempt("img", function () { new Image().src = LIVE + "/img"; return "set"; });
  attempt("beacon", function () { return navigator.sendBeacon(LIVE + "/beacon", "x"); });
  attempt("websocket", function () { new WebSocket(LIVE.replace("http", "ws") + "/ws"); return "opened"; });
  await rtc("rtc", window.RTCPeerConnection);
  await rtc("webkit-rtc", window.webkitRTCPeerConnection);
  // Pristine constructors from a fresh same-origin realm.
  var blank = document.createElement("iframe");
  document.body.appendChild(blank);
  await rtc("rtc-from-frames-index", window.frames[0] && window.frames[0].RTCPeerConnection);
  await rtc("rtc-from-content-window", blank.contentWindow && blank.contentWindow.RTCPeerConnection);
  var holder = document.createElement("div");
  holder.innerHTML = "<iframe></iframe>";
  document.body.appendChild(holder);
  await rtc("rtc-from-inner-html-frame", window.frames[1] && window.frames[1].RTCPeerConnection);
  // A srcdoc document runs in a realm of its own, with its own scripts.
  await new Promise(function (done) {
    window.addEventListener("message", function (event) { if (event.data && event.data.srcdoc) { note("rtc-in-srcdoc", event.data.srcdoc); done(); } });
    var doc = document.createElement("iframe");
    doc.srcdoc = "<script>(async function () { var P = window.RTCPeerConnection; var r = 'no constructor';" +
      " if (typeof P === 'function') { try { var pc = new P(" + JSON.stringify(ICE).replace(/"/g, "'") + "); pc.createDataChannel('x');" +
      " await pc.setLocalDescription(await pc.createOffer()); await new Promise(function (d) { setTimeout(d, 1500); }); r = 'gathering'; } catch (e) { r = 'threw ' + e.name; } }" +
      " parent.postMessage({ srcdoc: r }, '*'); })();<\\/script>";
    document.body.appendChild(doc);
    setTimeout(function () { note("rtc-in-srcdoc", "no answer"); done(); }, 4000);
  });
  attempt("data-frame", function () { var f = document.createElement("iframe"); f.src = "data:text/html,<script>new RTCPeerConnection(" + JSON.stringify(ICE) + ")<\\/script>"; document.body.appendChild(f); return "appended"; });
  attempt("window-open", function () { return window.open(LIVE + "/open"); });
  attempt("top-location", function () { top.location = LIVE + "/top"; return "assigned"; });
  attempt("top-form", function () { document.getElementById("top-form").submit(); return "submitted"; });
  attempt("self-form", function () { document.getElementById("self-form").submit(); return "submitted"; });
  await new Promise(function (r) { setTimeout(r, 500); });
  attempt("location-href", function () { location.href = LIVE + "/self"; return "assigned"; });
  await new Promise(function (r) { setTimeout(r, 500); });
  probe.done = true;
})();
</script></body></html>
`;
}

/** The probe page's own origin: what the recorder proxies while the page is recorded. */
export async function startProbeOrigin(
  live: string,
  udpPort: number,
): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer((request, response) => {
    if (new URL(request.url ?? "/", "http://probe.invalid").pathname !== "/probe") {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
    response.end(probePage(live, udpPort));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no probe origin address");
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
