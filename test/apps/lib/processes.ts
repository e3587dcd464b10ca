import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";

/** A port on loopback that nothing listens on right now (the kernel's pick, released at once). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export type AppProcess = { child: ChildProcess; output: () => string; stop: () => Promise<void> };

/**
 * Starts a server process and waits until `readyUrl` answers (any status below 500). Its output is kept
 * (the last 64 KiB) for error messages. The process leads a process group of its own, and `stop` signals
 * that group by its id: PHP's built-in server with PHP_CLI_SERVER_WORKERS forks workers that outlive a
 * parent killed alone.
 */
export async function startProcess(
  command: string,
  args: readonly string[],
  options: { cwd: string; env?: Record<string, string>; readyUrl: string; timeoutMs?: number },
): Promise<AppProcess> {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  const group = child.pid;
  const signal = (name: NodeJS.Signals) => {
    try {
      if (group !== undefined) process.kill(-group, name);
    } catch {
      // already gone
    }
  };
  // If the test process ends without stopping it (a crash), do not leave the server running.
  const onExit = () => signal("SIGKILL");
  process.once("exit", onExit);
  let log = "";
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString("utf8")).slice(-65_536);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.once("exit", () => {
      exited = true;
      resolve();
    }),
  );
  const stop = async () => {
    process.removeListener("exit", onExit);
    signal("SIGTERM");
    const timer = setTimeout(() => signal("SIGKILL"), 5_000);
    await exit;
    clearTimeout(timer);
    // Workers may still be finishing after their parent: end the rest of the group.
    signal("SIGKILL");
  };
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (;;) {
    if (exited) throw new Error(`${command} exited before it was ready:\n${log}`);
    try {
      const response = await fetch(options.readyUrl, { redirect: "manual" });
      await response.arrayBuffer();
      if (response.status < 500) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${command} did not answer ${options.readyUrl} in time:\n${log}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { child, output: () => log, stop };
}
