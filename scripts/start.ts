/**
 * `npm start`: the recorder (wrangler dev, local R2 and D1 persisted under .wrangler/state) in front of the
 * bundled demo shop, or in front of any origin given as ORIGIN=http://host:port. Prints the URLs to open.
 *   PORT       recorder port, default 8787
 *   SHOP_PORT  demo shop port, default 8080 (not started when ORIGIN is set)
 *   ORIGIN     an origin of your own instead of the demo shop
 *   STATE_DIR  where local R2 and D1 persist, default .wrangler/state
 */
import { spawn, type ChildProcess } from "node:child_process";
import { copyFileSync, existsSync, rmSync } from "node:fs";
import { join } from "node:path";

const port = Number(process.env["PORT"] ?? "8787");
const shopPort = Number(process.env["SHOP_PORT"] ?? "8080");
const customOrigin = process.env["ORIGIN"];
const origin = customOrigin ?? `http://127.0.0.1:${shopPort}`;
const stateDir = process.env["STATE_DIR"] ?? ".wrangler/state";
const quietEnv = {
  ...process.env,
  WRANGLER_SEND_METRICS: "false",
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
  CI: "true",
  // wrangler dev otherwise attaches a trace collector to the Worker that stores every request's raw URL and
  // headers (card numbers and tokens in query strings) under <state>/v3/observability. wrangler.toml's
  // [observability] does not reach it; this variable is wrangler's one switch for it.
  X_LOCAL_OBSERVABILITY: "false",
};
const children: ChildProcess[] = [];
// wrangler's own launcher, run directly rather than through npx, so that a signal reaches it (it passes
// signals on to wrangler and workerd; npx does not).
const WRANGLER = join("node_modules", "wrangler", "bin", "wrangler.js");

/**
 * Raw request traces that wrangler dev kept before X_LOCAL_OBSERVABILITY was set (or by a run without it):
 * removed at start and at exit, so no unmasked URL outlives a session.
 */
const tracesDir = join(stateDir, "v3", "observability");
function clearTraces(): void {
  rmSync(tracesDir, { recursive: true, force: true });
}
clearTraces();

function run(command: string, args: string[], env: NodeJS.ProcessEnv = quietEnv): ChildProcess {
  const child = spawn(command, args, { stdio: ["ignore", "inherit", "inherit"], env });
  children.push(child);
  return child;
}

/** Stops the children and waits (up to 10 s) until they are gone, so nothing writes state after the clean-up. */
async function stopAll(code: number): Promise<never> {
  const running = children.filter((child) => child.exitCode === null && child.signalCode === null);
  const exited = running.map((child) => new Promise((resolve) => child.once("exit", resolve)));
  // SIGINT, as Ctrl-C in a terminal sends: wrangler then shuts workerd and its esbuild service down in order.
  for (const child of running) child.kill("SIGINT");
  await Promise.race([Promise.all(exited), new Promise((resolve) => setTimeout(resolve, 10_000))]);
  clearTraces();
  process.exit(code);
}
process.on("SIGINT", () => void stopAll(0));
process.on("SIGTERM", () => void stopAll(0));

async function waitFor(url: string, seconds: number): Promise<boolean> {
  for (let i = 0; i < seconds * 4; i++) {
    try {
      const response = await fetch(url);
      if (response.status < 500) return true;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return false;
}

if (!existsSync(".dev.vars")) {
  // Local secrets for wrangler dev; deployed Workers use `wrangler secret put` instead.
  copyFileSync(".dev.vars.example", ".dev.vars");
  console.log("created .dev.vars from .dev.vars.example (local-only secrets)");
}

const migrate = run(process.execPath, [
  WRANGLER,
  "d1",
  "migrations",
  "apply",
  "DB",
  "--local",
  "--persist-to",
  stateDir,
]);
const migrated = await new Promise<number>((resolve) => migrate.on("exit", (code) => resolve(code ?? 1)));
if (migrated !== 0) {
  console.error("applying the local D1 migrations failed (see above)");
  await stopAll(1);
}

if (!customOrigin) {
  run(process.execPath, ["examples/shop/server.ts"], { ...process.env, SHOP_PORT: String(shopPort) });
  if (!(await waitFor(`${origin}/healthz`, 20))) {
    console.error(`the demo shop did not start on ${origin}`);
    await stopAll(1);
  }
}

run(process.execPath, [
  WRANGLER,
  "dev",
  "--ip",
  "127.0.0.1",
  "--port",
  String(port),
  "--var",
  `ORIGIN:${origin}`,
  "--persist-to",
  stateDir,
  "--show-interactive-dev-session=false",
]);
const base = `http://127.0.0.1:${port}`;
if (!(await waitFor(`${base}/__verbatim/health`, 90))) {
  console.error("the recorder did not start (see wrangler's output above)");
  await stopAll(1);
}

console.log(`
  Verbatim is recording ${origin}

  Browse the site through the recorder:  ${base}/
  Support console (its own host):        http://console.localhost:${port}/__verbatim/
    local demo tokens, one per role:     demo-support, demo-compliance, demo-ops, demo-admin
  Read API:                              curl --resolve console.localhost:${port}:127.0.0.1 \\
                                           -H 'authorization: Bearer demo-support' \\
                                           http://console.localhost:${port}/__verbatim/api/sessions
${customOrigin ? "" : "\n  Demo logins: alice / alice-pass, bob / bob-pass, carol / carol-pass\n"}
  Ctrl-C stops everything. Recordings persist in ${stateDir}.
`);
