import { execFile, spawn } from "node:child_process";
import { mkdir, symlink } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** What the Worker's bundle, wrangler.toml and migrations are read from. */
export type WorkerSource = { root: string; label: string };

/** The paths whose content makes the Worker the bench runs. */
const WORKER_PATHS = ["worker", "migrations", "policies", "wrangler.toml", "package.json", "tsconfig.json"];

/**
 * "worktree" (default): the checkout as it is, uncommitted edits included (the label counts them). "head" (or
 * any commit): that commit's tree, extracted with `git archive` under `work` with node_modules linked, so
 * that figures belong to a commit even while others edit the shared checkout (their half-done edits would
 * otherwise be built), and two commits can be compared. The bench's own code, the demo shop and the masking
 * corpus always come from the checkout.
 */
export async function workerSource(root: string, work: string, which: string): Promise<WorkerSource> {
  const rev = which === "worktree" || which === "head" ? "HEAD" : which;
  const commit = (await run("git", ["-C", root, "rev-parse", "--short=12", rev])).stdout.trim();
  if (which === "worktree") {
    const { stdout } = await run("git", ["-C", root, "status", "--porcelain", "--", ...WORKER_PATHS]);
    const dirty = stdout.split("\n").filter((line) => line.trim() !== "").length;
    return {
      root,
      label:
        `working tree at ${commit}` +
        (dirty > 0 ? ` with ${dirty} uncommitted change(s) under ${WORKER_PATHS.join(", ")}` : ""),
    };
  }
  const dir = join(work, "source");
  await mkdir(dir, { recursive: true });
  await new Promise<void>((resolve, reject) => {
    const archive = spawn("git", ["-C", root, "archive", "--format=tar", commit], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    const tar = spawn("tar", ["-x", "-C", dir], { stdio: ["pipe", "inherit", "inherit"] });
    archive.stdout.pipe(tar.stdin);
    archive.on("error", reject);
    tar.on("error", reject);
    tar.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`git archive | tar: exit ${code}`))));
  });
  await symlink(join(root, "node_modules"), join(dir, "node_modules"), "dir");
  return { root: dir, label: `${rev === "HEAD" ? "HEAD " : ""}${commit} (committed tree, extracted)` };
}
