/** `node bench/mask.ts`: only the masking benchmark (bench/run.ts runs it with the others). */
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runMaskBench } from "./mask/run-mask.ts";
import { machineSection, writeReport } from "./report.ts";
import { wranglerVersion } from "./lib/worker-build.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
const work = join(root, "bench", ".work");
await mkdir(work, { recursive: true });
const mask = await runMaskBench(root, work, (line) => console.log(line));
const machine = await machineSection(root, {
  wrangler: await wranglerVersion(root),
  miniflare: "standalone",
});
await writeReport(root, { mask }, machine);
console.log("mask benchmark written to bench/results.json and docs/benchmarks.md");
