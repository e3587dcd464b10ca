import { readdirSync, readFileSync } from "node:fs";

/**
 * CPU time of a process from /proc (Linux), so a target's cost per request can be read independently of
 * whatever else the shared machine is running. Returns null where /proc is unavailable.
 */
const TICKS_PER_SECOND = 100; // USER_HZ: 100 on every Linux ABI the bench runs on

function stat(pid: number): string[] | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Field 2 (comm) is parenthesised and may contain spaces: split after its closing parenthesis.
    return text.slice(text.lastIndexOf(")") + 2).split(" ");
  } catch {
    return null;
  }
}

/** utime + stime of `pid`, in ms. */
export function cpuMs(pid: number | null): number | null {
  if (pid === null) return null;
  const fields = stat(pid);
  if (!fields) return null;
  // After comm: [0]=state [1]=ppid ... [11]=utime [12]=stime (proc(5) fields 14 and 15).
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
}

/** Pids of the direct children of `ppid` whose command name is `name`. */
export function childrenNamed(ppid: number, name: string): number[] {
  let entries: string[];
  try {
    entries = readdirSync("/proc").filter((e) => /^\d+$/.test(e));
  } catch {
    return [];
  }
  return entries.map(Number).filter((pid) => {
    if (stat(pid)?.[1] !== String(ppid)) return false;
    try {
      return readFileSync(`/proc/${pid}/comm`, "utf8").trim() === name;
    } catch {
      return false;
    }
  });
}

/** The CPUs this process may run on (its affinity mask, /proc/self/status), ascending; [] where unknown. */
export function allowedCpus(): number[] {
  let list: string | undefined;
  try {
    list = /Cpus_allowed_list:\s*(\S+)/.exec(readFileSync("/proc/self/status", "utf8"))?.[1];
  } catch {
    return [];
  }
  const cpus: number[] = [];
  for (const part of (list ?? "").split(",")) {
    const [from, to = from] = part.split("-").map(Number);
    if (from === undefined || to === undefined || !Number.isInteger(from) || !Number.isInteger(to)) continue;
    for (let cpu = from; cpu <= to; cpu++) cpus.push(cpu);
  }
  return cpus;
}
