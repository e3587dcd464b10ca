import { execFile } from "node:child_process";
import { mkdir, stat, writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const quiet = { WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" };

/**
 * Bundles the Worker as `wrangler deploy` would (dry run: nothing is uploaded) into one ESM file.
 *
 * The entry is a one-line shim re-exporting only the default handler: worker/src/index.ts also exports the
 * string `RECORDER_PREFIX`, and workerd refuses to start a main module with a named export that is not a
 * handler ("Incorrect type for map entry 'RECORDER_PREFIX'"). The shim changes no code path.
 */
export async function buildWorker(root: string, workDir: string): Promise<{ scriptPath: string; bytes: number }> {
  const outDir = join(workDir, "dist");
  const entry = join(workDir, "worker-entry.ts");
  await mkdir(workDir, { recursive: true });
  const main = relative(workDir, join(root, "worker", "src", "index.ts"));
  await writeFile(entry, `export { default } from "${main}";\n`);
  await run(join(root, "node_modules", ".bin", "wrangler"), ["deploy", "--dry-run", "--outdir", outDir, entry], {
    cwd: root,
    env: { ...process.env, ...quiet },
    maxBuffer: 16 * 1024 * 1024,
  });
  const scriptPath = join(outDir, "worker-entry.js");
  return { scriptPath, bytes: (await stat(scriptPath)).size };
}

export async function wranglerVersion(root: string): Promise<string> {
  const { stdout } = await run(join(root, "node_modules", ".bin", "wrangler"), ["--version"], {
    cwd: root,
    env: { ...process.env, ...quiet },
  });
  return /(\d+\.\d+\.\d+)/.exec(stdout)?.[1] ?? stdout.trim();
}
