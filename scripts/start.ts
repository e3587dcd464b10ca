/**
 * `npm start`: the recorder (wrangler dev, local R2 and D1 persisted under .wrangler/state) in front of the
 * bundled demo shop, or in front of any origin given as ORIGIN=http://host:port. Prints the URLs to open.
 *   PORT       recorder port, default 8787
 *   SHOP_PORT  demo shop port, default 8080 (not started when ORIGIN is set)
 *   ORIGIN     an origin of your own instead of the demo shop
 */
import { spawn, type ChildProcess } from "node:child_process";
import { copyFileSync, existsSync, readFileSync } from "node:fs";

const port = Number(process.env["PORT"] ?? "8787");
const shopPort = Number(process.env["SHOP_PORT"] ?? "8080");
const customOrigin = process.env["ORIGIN"];
const origin = customOrigin ?? `http://127.0.0.1:${shopPort}`;
const quietEnv = {
  ...process.env,
  WRANGLER_SEND_METRICS: "false",
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
  CI: "true",
};
const children: ChildProcess[] = [];

function run(command: string, args: string[], env: NodeJS.ProcessEnv = quietEnv): ChildProcess {
  const child = spawn(command, args, { stdio: ["ignore", "inherit", "inherit"], env });
  children.push(child);
  return child;
}

function stopAll(code: number): never {
  for (const child of children) child.kill("SIGTERM");
  process.exit(code);
}
process.on("SIGINT", () => stopAll(0));
process.on("SIGTERM", () => stopAll(0));

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
const token =
  /ADMIN_TOKEN="?([^"\n]+)"?/.exec(readFileSync(".dev.vars", "utf8"))?.[1] ?? "<ADMIN_TOKEN from .dev.vars>";

const migrate = run("npx", ["wrangler", "d1", "migrations", "apply", "DB", "--local"]);
const migrated = await new Promise<number>((resolve) => migrate.on("exit", (code) => resolve(code ?? 1)));
if (migrated !== 0) {
  console.error("applying the local D1 migrations failed (see above)");
  stopAll(1);
}

if (!customOrigin) {
  run(process.execPath, ["examples/shop/server.ts"], { ...process.env, SHOP_PORT: String(shopPort) });
  if (!(await waitFor(`${origin}/healthz`, 20))) {
    console.error(`the demo shop did not start on ${origin}`);
    stopAll(1);
  }
}

run("npx", [
  "wrangler",
  "dev",
  "--ip",
  "127.0.0.1",
  "--port",
  String(port),
  "--var",
  `ORIGIN:${origin}`,
  "--show-interactive-dev-session=false",
]);
const base = `http://127.0.0.1:${port}`;
if (!(await waitFor(`${base}/__verbatim/api/health`, 90))) {
  console.error("the recorder did not start (see wrangler's output above)");
  stopAll(1);
}

console.log(`
  Verbatim is recording ${origin}

  Browse the site through the recorder:  ${base}/
  Health:                                ${base}/__verbatim/api/health
  Recorded sessions (read API):          curl -H 'authorization: Bearer ${token}' ${base}/__verbatim/api/sessions
${customOrigin ? "" : "\n  Demo logins: alice / alice-pass, bob / bob-pass, carol / carol-pass\n"}
  Ctrl-C stops everything. Recordings persist in .wrangler/state.
`);
