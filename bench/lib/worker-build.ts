import { execFile } from "node:child_process";
import { stat } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const quiet = { WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" };

/** Bundles the Worker exactly as `wrangler deploy` would (dry run: nothing is uploaded) into one ESM file. */
export async function buildWorker(
  root: string,
  workDir: string,
): Promise<{ scriptPath: string; bytes: number }> {
  const outDir = join(workDir, "dist");
  try {
    await run(join(root, "node_modules", ".bin", "wrangler"), ["deploy", "--dry-run", "--outdir", outDir], {
      cwd: root,
      env: { ...process.env, ...quiet },
      maxBuffer: 16 * 1024 * 1024,
    });
  } catch (error) {
    const output = error instanceof Error && "stderr" in error ? String(error.stderr) : String(error);
    throw new Error(`bundling the Worker failed (wrangler deploy --dry-run):\n${output}`);
  }
  const scriptPath = join(outDir, "index.js");
  return { scriptPath, bytes: (await stat(scriptPath)).size };
}

export async function wranglerVersion(root: string): Promise<string> {
  const { stdout } = await run(join(root, "node_modules", ".bin", "wrangler"), ["--version"], {
    cwd: root,
    env: { ...process.env, ...quiet },
  });
  return /(\d+\.\d+\.\d+)/.exec(stdout)?.[1] ?? stdout.trim();
}
