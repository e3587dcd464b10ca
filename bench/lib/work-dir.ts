import { readdir, rm } from "node:fs/promises";
import { join } from "node:path";

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return error instanceof Error && "code" in error && error.code === "EPERM";
  }
}

/** Removes `run-<pid>` directories under `root` whose process has ended; other entries are left alone. */
export async function removeStaleRuns(root: string): Promise<void> {
  let entries: string[];
  try {
    entries = await readdir(root);
  } catch {
    return;
  }
  for (const entry of entries) {
    const pid = /^run-(\d+)$/.exec(entry)?.[1];
    if (pid && Number(pid) !== process.pid && !alive(Number(pid))) {
      await rm(join(root, entry), { recursive: true, force: true });
    }
  }
}
