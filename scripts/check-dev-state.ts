/**
 * `npm run check:dev-state`: runs `npm start` (wrangler dev in front of the demo shop) on free ports with a
 * throwaway state directory, sends requests as curl and a browser would, some with a card number and a token
 * in the URL, stops it, then checks what a newcomer and an auditor would:
 *   - a client that sent no Accept-Encoding (curl) gets plain HTML, one that asked for gzip gets gzip;
 *   - no file under the state directory holds the secrets, raw or percent-encoded (local R2 and D1 hold
 *     masked copies only, and wrangler's request traces, which would hold raw URLs, are not kept at all).
 * Exits non-zero on any failure. Takes about half a minute (wrangler dev starts a second workerd).
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { segmentMembersIn } from "./lib/segment-members.ts";
import { consoleFetch, DEMO_TOKENS } from "./lib/console-fetch.ts";

const CARD = "4111111111111111";
const TOKEN = "tok_live_7Qx9ZpL2mN4vR8sT";
const SECRETS = [CARD, TOKEN];

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitFor(url: string, seconds: number): Promise<boolean> {
  for (let i = 0; i < seconds * 4; i++) {
    try {
      if ((await fetch(url)).status < 500) return true;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return false;
}

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...filesUnder(path));
    else out.push(path);
  }
  return out;
}

/** Raw GET over HTTP/1.1 with exactly the headers given (fetch would add its own Accept-Encoding). */
async function rawGet(
  url: string,
  headers: Record<string, string>,
): Promise<{ headers: Headers; body: Buffer }> {
  const { request } = await import("node:http");
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => {
        const out = new Headers();
        for (const [name, value] of Object.entries(res.headers))
          if (typeof value === "string") out.set(name, value);
        resolve({ headers: out, body: Buffer.concat(chunks) });
      });
    });
    req.on("error", reject);
    req.end();
  });
}

const stateDir = mkdtempSync(join(tmpdir(), "verbatim-dev-state-"));
const [port, shopPort] = [await freePort(), await freePort()];
const base = `http://127.0.0.1:${port}`;
const child = spawn(process.execPath, ["scripts/start.ts"], {
  env: { ...process.env, PORT: String(port), SHOP_PORT: String(shopPort), STATE_DIR: stateDir },
  stdio: ["ignore", "ignore", "inherit"],
});
const failures: string[] = [];
/** Every gzip stream found in `bytes` (at each 1f 8b 08 header), inflated; data that is not one is skipped. */
function gzipMembersIn(bytes: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let at = bytes.indexOf(GZIP_MAGIC); at !== -1; at = bytes.indexOf(GZIP_MAGIC, at + 1)) {
    try {
      out.push(gunzipSync(bytes.subarray(at)));
    } catch {
      // Not a gzip member after all (the magic bytes occur by chance), or a truncated one.
    }
  }
  return out;
}
const GZIP_MAGIC = Buffer.from([0x1f, 0x8b, 0x08]);

/** Polls the read API until `want` exchanges are indexed, for up to `seconds`. */
async function indexed(path: string, want: number, seconds: number): Promise<boolean> {
  for (let i = 0; i < seconds * 4; i++) {
    const response = await consoleFetch(base, path, { token: DEMO_TOKENS.compliance }).catch(() => null);
    if (response?.ok) {
      const { sessions } = (await response.json()) as { sessions: { exchangeCount: number }[] };
      if (sessions.reduce((sum, s) => sum + s.exchangeCount, 0) >= want) return true;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return false;
}

const check = (ok: boolean, what: string) => {
  console.log(`${ok ? "ok  " : "FAIL"} ${what}`);
  if (!ok) failures.push(what);
};

try {
  if (!(await waitFor(`${base}/__verbatim/health`, 120))) throw new Error("npm start did not come up");

  const plain = await rawGet(`${base}/?card=${CARD}`, { "user-agent": "curl/8.5.0", accept: "*/*" });
  check(plain.headers.get("content-encoding") === null, "curl without Accept-Encoding: no Content-Encoding");
  check(/^<!doctype html>/i.test(plain.body.toString("utf8")), "curl without Accept-Encoding: plain HTML");

  const gzip = await rawGet(`${base}/`, { "accept-encoding": "gzip" });
  check(gzip.headers.get("content-encoding") === "gzip", "Accept-Encoding: gzip gets gzip");
  check(/^<!doctype html>/i.test(gunzipSync(gzip.body).toString("utf8")), "the gzip bytes are the page");

  await rawGet(`${base}/products?q=${CARD}&token=${TOKEN}`, { accept: "text/html" });
  await rawGet(`${base}/api/quote?product=home-insurance&access_token=${TOKEN}`, {
    accept: "application/json",
  });
  // Recording runs in shards and the queue consumer, seconds behind the visitor: wait until the index has
  // the visits, so the scan below looks at everything the recorder stores (and proves npm start records).
  check(await indexed("/__verbatim/api/sessions?limit=50", 4, 30), "npm start indexed the visits");
} catch (error) {
  check(false, error instanceof Error ? error.message : String(error));
} finally {
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGINT");
  await exited;
}

const files = filesUnder(stateDir);
check(files.length > 0, `the recorder wrote local state (${files.length} files under ${stateDir})`);
check(
  !files.some((file) => file.includes(join("v3", "observability"))),
  "no request traces under <state>/v3/observability",
);
let segmentsRead = false;
const needles = SECRETS.flatMap((secret) => [secret, encodeURIComponent(secret)]);
for (const file of files) {
  const bytes = readFileSync(file);
  // Bodies are stored gzip-compressed and index segments as zlib members with a preset dictionary: scan
  // what every such member inflates to as well.
  const inflated = [...gzipMembersIn(bytes), ...segmentMembersIn(bytes)];
  if (inflated.some((b) => b.includes("/api/quote?product=home-insurance"))) segmentsRead = true;
  const texts = [
    bytes.toString("latin1"),
    bytes.toString("utf16le"),
    ...inflated.map((b) => b.toString("latin1")),
  ];
  for (const needle of needles)
    if (texts.some((text) => text.includes(needle))) check(false, `${file} holds a secret from a URL`);
}
// A control: the visits' URLs live only inside compressed index segments, so finding one proves the scan
// looked inside them.
check(segmentsRead, "the scan read the compressed index segments (a visited URL was found inside)");
check(
  failures.every((f) => !f.includes("holds a secret")),
  "no file under the state directory holds a secret",
);

rmSync(stateDir, { recursive: true, force: true });
console.log(failures.length === 0 ? "dev state check passed" : `dev state check failed (${failures.length})`);
process.exit(failures.length === 0 ? 0 : 1);
