import { readFileSync, writeFileSync } from "node:fs";

/**
 * Resident memory of a process from /proc (Linux): now (VmRSS) and at its peak (VmHWM, the high-water mark
 * the kernel keeps). Null where /proc is unavailable.
 */
export type Memory = { rssMb: number; peakMb: number };

export function processMemory(pid: number | null): Memory | null {
  if (pid === null) return null;
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, "utf8");
  } catch {
    return null;
  }
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN);
  const rss = kb("VmRSS");
  const peak = kb("VmHWM");
  if (!Number.isFinite(rss) || !Number.isFinite(peak)) return null;
  return { rssMb: rss / 1024, peakMb: peak / 1024 };
}

/**
 * Restarts the peak at the current resident size (`5` to /proc/<pid>/clear_refs, Linux 4.0+), so that a
 * peak read later belongs to what ran in between. False where the kernel refuses.
 */
export function resetPeakMemory(pid: number | null): boolean {
  if (pid === null) return false;
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, "5");
    return true;
  } catch {
    return false;
  }
}
