/**
 * workerd reports every failed outbound connection on its own stderr, with a native stack: "Connection
 * refused" for the unreachable-origin test, "error reading a body from connection" for the origin that
 * resets mid-body, each followed by "Network connection lost" lines. Those tests break the connection on
 * purpose and assert on the outcome, so these lines are expected, yet they read like crashes. The Workers
 * Vitest plugin prints runtime messages through a fixed ignore list with no option, so the main process
 * drops exactly these: a connection failure, then the native stacks and "Network connection lost" lines that
 * directly follow it. A "Network connection lost" on its own (say, a real unhandled rejection) still shows.
 */
const CONNECTION_FAILURES = [
  "disconnected: Connection refused (os error 111)",
  "disconnected: HTTP body: error reading a body from connection",
] as const;

const FOLLOW_UPS = [
  // workerd's native stack: "stack: /…/workerd@28a3c60 /…/workerd@63f7c47 …"
  /^stack:( \S+@[0-9a-f]+)+\s*$/,
  /^uncaught exception; .*Error: Network connection lost\.$/,
] as const;

/** Whether each line is expected noise, given whether the line before it was. */
export function expectedNoise(lines: readonly string[], afterNoise: boolean): boolean[] {
  let previous = afterNoise;
  return lines.map((line) => {
    if (line.trim() === "") return previous;
    previous =
      CONNECTION_FAILURES.some((message) => line.includes(message)) ||
      (previous && FOLLOW_UPS.some((pattern) => pattern.test(line)));
    return previous;
  });
}

/** Filters the main process's stdout and stderr (the plugin prints runtime messages to either, by level). */
export function dropExpectedRuntimeNoise(): void {
  for (const stream of [process.stdout, process.stderr]) filterStream(stream);
}

function filterStream(stream: NodeJS.WriteStream): void {
  const write = stream.write.bind(stream) as (chunk: string | Uint8Array, ...rest: unknown[]) => boolean;
  let afterNoise = false;
  stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    const text = typeof chunk === "string" ? chunk : new TextDecoder().decode(chunk);
    const lines = text.split("\n");
    const noise = expectedNoise(lines, afterNoise);
    afterNoise = noise.at(-1) ?? afterNoise;
    if (!noise.some(Boolean)) return write(chunk, ...rest);
    const kept = lines.filter((_line, i) => !noise[i]).join("\n");
    if (kept.trim() !== "") return write(kept, ...rest);
    const done = rest.find((arg) => typeof arg === "function") as (() => void) | undefined;
    done?.();
    return true;
  }) as typeof stream.write;
}
