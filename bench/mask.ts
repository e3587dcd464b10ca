/** `node bench/mask.ts`: only the masking benchmark (bench/run.ts runs it with the others). */
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { mergeMaskSection } from "./mask/corpus.ts";
import { runMaskBench } from "./mask/run-mask.ts";
import { machineSection, readResults, writeReport } from "./report.ts";
import { wranglerVersion } from "./lib/worker-build.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
const work = join(root, "bench", ".work");
await mkdir(work, { recursive: true });
// Keeps the corpus figures of the last `npm run bench -- mask-corpus` (the section is replaced as a whole).
const mask = mergeMaskSection(
  await runMaskBench(root, work, (line) => console.log(line)),
  (await readResults(root))["mask"],
);
const machine = await machineSection(root, {
  wrangler: await wranglerVersion(root),
  miniflare: "standalone",
});
await writeReport(root, { mask }, machine);
console.log("mask benchmark written to bench/results.json and docs/benchmarks.md");
