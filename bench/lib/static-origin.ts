import { spawn } from "node:child_process";
import { request } from "node:http";
import { fileURLToPath } from "node:url";
import type { LoadRequest } from "./load.ts";

const CHILD = fileURLToPath(new URL("./static-origin-child.ts", import.meta.url));

/** One origin response as it crossed the wire: status, header lines and body bytes (still content-encoded). */
export type CapturedResponse = {
  method: string;
  path: string;
  cookie: string;
  status: number;
  headers: [string, string][];
  bodyBase64: string;
};

export type StaticOrigin = { url: string; pid: number; close: () => Promise<void> };

/** Headers the serving Node process sets itself (framing, connection) or that must be fresh (Date). */
const NOT_REPLAYED = new Set(["date", "connection", "keep-alive", "transfer-encoding"]);

/**
 * Fetches each request of the workload once from the real origin, raw (no decompression, no redirect
 * following), keeping what the Worker would receive. The demo shop answers these requests with the same bytes
 * every time (checked when this was written: same sha-256 twice for each), so serving the captured bytes
 * again changes nothing the recorder sees except the Date header, which the replaying server sets fresh.
 */
export async function captureOrigin(origin: string, requests: LoadRequest[]): Promise<CapturedResponse[]> {
  const captured: CapturedResponse[] = [];
  for (const r of requests) {
    captured.push(
      await new Promise<CapturedResponse>((resolve, reject) => {
        const req = request(origin + r.path, { method: r.method, headers: r.headers }, (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (chunk: Buffer) => chunks.push(chunk));
          res.on("error", reject);
          res.on("end", () => {
            const headers: [string, string][] = [];
            for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) {
              const name = res.rawHeaders[i] ?? "";
              if (!NOT_REPLAYED.has(name.toLowerCase())) headers.push([name, res.rawHeaders[i + 1] ?? ""]);
            }
            resolve({
              method: r.method,
              path: r.path,
              cookie: r.headers["cookie"] ?? "",
              status: res.statusCode ?? 0,
              headers,
              bodyBase64: Buffer.concat(chunks).toString("base64"),
            });
          });
        });
        req.on("error", reject);
        req.end(r.body);
      }),
    );
  }
  return captured;
}

/**
 * Serves captured responses from a Node process of its own, pinned to `cpus` (taskset): the proxy
 * benchmark's origin. The demo shop renders and gzips every response on the fly (hono's compress()), about
 * 1 ms of CPU per request on these machines, more than the visitor Worker itself: on 2 cores it, not the
 * Worker, would bound throughput. This server costs a fraction of that, so the Worker's core can saturate.
 */
export async function startStaticOrigin(captured: CapturedResponse[], cpus: string): Promise<StaticOrigin> {
  const child = spawn("taskset", ["-c", cpus, process.execPath, CHILD], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  child.stdin.end(JSON.stringify(captured));
  const port = await new Promise<number>((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const line = /^listening (\d+)\n/.exec(out);
      if (line) resolve(Number(line[1]));
    });
    child.on("error", reject);
    child.on("exit", (code) => reject(new Error(`static origin exited (${code}) before listening`)));
  });
  // taskset execs node in place: the child's pid is the server's.
  const pid = child.pid;
  if (pid === undefined) throw new Error("static origin: no pid");
  return {
    url: `http://127.0.0.1:${port}`,
    pid,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}
