import { serve } from "@hono/node-server";
import { recorderMiniflareOptions } from "../../scripts/lib/miniflare-recorder.ts";
import { Log, LogLevel, Miniflare } from "miniflare";
import { type Browser, type BrowserContext, chromium } from "playwright-core";
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { unstable_readConfig, unstable_splitSqlQuery } from "wrangler";
import { createShop } from "../../examples/shop/src/app.ts";
import { createShopStore } from "../../examples/shop/src/session.ts";
import type { Version } from "../../examples/shop/src/version.ts";
import { DEMO_TOKEN_OF } from "../../worker/src/access/demo-tokens.ts";

/**
 * What the browser suite runs against: the demo shop on loopback (v1 and v2 sharing one store, switched in
 * process like examples/shop/server.ts), and the Worker bundled by `wrangler deploy --dry-run` running under
 * Miniflare with local R2 and D1, migrated, on its own loopback port.
 */
export const ADMIN_TOKEN = "browser-admin-token";
const SECRET = "browser-secret-0123456789abcdef";
const root = new URL("../../", import.meta.url).pathname;
const run = promisify(execFile);

export type Shop = { url: string; setVersion: (version: Version) => void; close: () => Promise<void> };

export function startShop(now: () => Date): Promise<Shop> {
  const store = createShopStore();
  const releases = {
    v1: createShop({ version: "v1", store, now }),
    v2: createShop({ version: "v2", store, now }),
  };
  let current: Version = "v1";
  return new Promise((resolve) => {
    const server = serve(
      { fetch: (request) => releases[current].fetch(request), port: 0, hostname: "127.0.0.1" },
      (info) =>
        resolve({
          url: `http://127.0.0.1:${info.port}`,
          setVersion: (version) => {
            current = version;
          },
          close: () => new Promise((done) => server.close(() => done())),
        }),
    );
  });
}

export type Recorder = {
  url: string;
  port: number;
  /** The console and read API (CONSOLE_HOST): `http://console.localhost:<port>`; Chromium resolves *.localhost itself. */
  consoleUrl: string;
  mf: Miniflare;
  close: () => Promise<void>;
};

/** The local demo token per role (worker/src/front/local-credentials.ts): the console is on a loopback name. */
export const DEMO_TOKENS = DEMO_TOKEN_OF;

export type RecorderOptions = {
  /**
   * Keep all of the recorder's local state in this directory instead of a throwaway one: the bundle,
   * Miniflare's persisted R2 and D1 (`persist/`), and Miniflare's own temporary directory (`tmp/`, where the
   * Cache API and anything not persisted live), so a test can read every byte the recorder wrote to disk.
   * The caller removes it.
   */
  stateDir?: string;
  /** Vars that replace wrangler.toml's for this recorder. */
  vars?: Record<string, string>;
};

export async function startRecorder(origin: string, options: RecorderOptions = {}): Promise<Recorder> {
  const work = options.stateDir ?? (await mkdtemp(join(tmpdir(), "verbatim-browser-")));
  const outDir = join(work, "dist");
  await run(join(root, "node_modules", ".bin", "wrangler"), ["deploy", "--dry-run", "--outdir", outDir], {
    cwd: root,
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" },
    maxBuffer: 16 * 1024 * 1024,
  });
  const config = unstable_readConfig({ config: join(root, "wrangler.toml") });
  const vars: Record<string, string> = {};
  for (const [name, value] of Object.entries(config.vars)) vars[name] = String(value);
  Object.assign(vars, options.vars);
  // Miniflare names its temporary directory after os.tmpdir() when it is constructed and starts workerd
  // (which inherits the environment) when it becomes ready: point both into the state directory.
  const savedTmp = process.env["TMPDIR"];
  if (options.stateDir) {
    process.env["TMPDIR"] = join(options.stateDir, "tmp");
    await mkdir(join(options.stateDir, "tmp"), { recursive: true });
  }
  const mf = new Miniflare({
    modules: true,
    modulesRoot: outDir,
    scriptPath: join(outDir, "index.js"),
    compatibilityDate: config.compatibility_date ?? "2026-07-30",
    compatibilityFlags: config.compatibility_flags,
    r2Buckets: ["BLOBS"],
    d1Databases: ["DB"],
    // Partial batches go at once: tests read the index right after browsing.
    ...recorderMiniflareOptions(join(root, "wrangler.toml"), { batchTimeoutS: 0 }),
    bindings: {
      ...vars,
      ORIGIN: origin,
      VERBATIM_SECRET: SECRET,
      ADMIN_TOKEN,
      REPLAY_HOST: "replay.localhost",
    },
    host: "127.0.0.1",
    port: 0,
    cf: false,
    log: new Log(LogLevel.WARN),
    ...(options.stateDir ? { defaultPersistRoot: join(options.stateDir, "persist") } : {}),
  });
  let url: URL;
  try {
    url = await mf.ready;
  } finally {
    if (savedTmp === undefined) delete process.env["TMPDIR"];
    else process.env["TMPDIR"] = savedTmp;
  }
  const db = await mf.getD1Database("DB");
  const migrations = join(root, "migrations");
  for (const file of (await readdir(migrations)).filter((f) => f.endsWith(".sql")).sort()) {
    for (const statement of unstable_splitSqlQuery(await readFile(join(migrations, file), "utf8"))) {
      if (statement.trim() !== "") await db.prepare(statement).run();
    }
  }
  return {
    url: url.origin,
    port: Number(url.port),
    consoleUrl: `http://console.localhost:${url.port}`,
    mf,
    close: async () => {
      await mf.dispose();
      if (!options.stateDir) await rm(work, { recursive: true, force: true });
    },
  };
}

/**
 * GET on the read API on the console host, as compliance. Through Miniflare's dispatchFetch: it takes the
 * URL's host as given, where Node would have to resolve console.localhost.
 */
export async function api<T>(recorder: Recorder, path: string): Promise<T> {
  const response = await recorder.mf.dispatchFetch(`${recorder.consoleUrl}/__verbatim/api${path}`, {
    headers: { authorization: `Bearer ${DEMO_TOKENS.compliance}` },
  });
  if (!response.ok)
    throw new Error(`GET /__verbatim/api${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** Signs a browser context in to the console with a demo token (the login form, as a person would). */
export async function consoleLogin(
  context: BrowserContext,
  recorder: Recorder,
  token: string = DEMO_TOKENS.support,
): Promise<void> {
  const page = await context.newPage();
  await page.goto(`${recorder.consoleUrl}/__verbatim/login`);
  await page.fill("input[name=token]", token);
  await Promise.all([
    page.waitForURL((url) => !url.pathname.endsWith("/login")),
    page.click("button[type=submit]"),
  ]);
  await page.close();
}

/**
 * Debian's Chromium, headless, as every browser test drives it (never a downloaded browser: `apt-get install
 * -y chromium`). No background networking, so the only requests are the ones a test causes.
 */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--no-first-run",
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
}
