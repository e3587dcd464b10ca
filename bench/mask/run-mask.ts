import { build } from "esbuild";
import { Miniflare } from "miniflare";
import { join } from "node:path";
import type { Section } from "../report.ts";

/**
 * Masking throughput (MB/s) on a ~200 KB HTML page and a ~1 MB JSON body, against htmlparser2's parse-only
 * throughput and JSON.parse on the same input, all inside workerd in one run; plus the HTMLRewriter variant
 * of the HTML masker, which decides which parser Verbatim keeps. Each case runs `iterations` per request;
 * the request's wall time minus a no-op request's is the work; the median of `samples` is reported.
 */
export async function runMaskBench(
  root: string,
  work: string,
  log: (line: string) => void,
): Promise<Section> {
  const outfile = join(work, "mask-worker.js");
  await build({
    entryPoints: [join(root, "bench", "mask", "mask-worker.ts")],
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2024",
    outfile,
    mainFields: ["module", "main"],
    logLevel: "error",
  });
  const mf = new Miniflare({
    modules: true,
    scriptPath: outfile,
    compatibilityDate: "2026-07-30",
    compatibilityFlags: ["nodejs_compat"],
  });
  try {
    const url = await mf.ready;
    const call = async (name: string, iterations: number): Promise<number> => {
      const started = performance.now();
      const response = await fetch(`${url}?case=${name}&iterations=${iterations}`);
      if (!response.ok) throw new Error(`${name}: ${response.status} ${await response.text()}`);
      await response.json();
      return performance.now() - started;
    };
    const sizes = (await (await fetch(`${url}?case=sizes`)).json()) as { html: number; json: number };
    const samples = 7;
    const measure = async (name: string, iterations: number, bytes: number): Promise<number> => {
      await call(name, 2); // warm up the JIT
      const times: number[] = [];
      for (let i = 0; i < samples; i++) {
        const noop = await call("noop", 1);
        times.push(Math.max(0.001, (await call(name, iterations)) - noop));
      }
      times.sort((a, b) => a - b);
      const median = times[Math.floor(times.length / 2)] ?? 1;
      const mbs = (bytes * iterations) / 1e6 / (median / 1000);
      log(`mask: ${name} ${mbs.toFixed(1)} MB/s`);
      return Math.round(mbs * 10) / 10;
    };
    /**
     * The ratio that decides the target: masking and parse-only alternate sample by sample, and the median of
     * the per-pair ratios is reported, so load on the shared machine hits both sides of each pair alike.
     */
    const pairedRatio = async (iterations: number): Promise<number> => {
      await call("html-mask", 2);
      await call("html-parse-only", 2);
      const ratios: number[] = [];
      for (let i = 0; i < 15; i++) {
        const noop = await call("noop", 1);
        const mask = Math.max(0.001, (await call("html-mask", iterations)) - noop);
        const parse = Math.max(0.001, (await call("html-parse-only", iterations)) - noop);
        ratios.push(parse / mask);
      }
      ratios.sort((a, b) => a - b);
      return ratios[Math.floor(ratios.length / 2)] ?? 0;
    };
    const htmlMask = await measure("html-mask", 20, sizes.html);
    const htmlParse = await measure("html-parse-only", 20, sizes.html);
    const paired = await pairedRatio(20);
    log(`mask: html masking / parse-only, median of 15 alternating pairs: ${paired.toFixed(2)}`);
    const rewriter = await measure("html-rewriter-mask", 20, sizes.html);
    const jsonMask = await measure("json-mask", 5, sizes.json);
    const jsonParse = await measure("json-parse", 5, sizes.json);
    const ratio = Math.round(paired * 100) / 100;
    return {
      method:
        "Inside workerd (Miniflare), one request per sample running N iterations, timed from outside (Worker clocks stand still during computation); the no-op request's time is subtracted; median of 7 samples; the HTML ratio is the median of 15 alternating mask/parse-only pairs. Masking is measured on the response side (what a site sends). Inputs: bench/mask/fixtures.ts.",
      html_bytes: sizes.html,
      json_bytes: sizes.json,
      html_mb_s: htmlMask,
      html_parse_only_mb_s: htmlParse,
      html_rewriter_mb_s: rewriter,
      json_mb_s: jsonMask,
      json_parse_mb_s: jsonParse,
      html_ratio_to_parse_only: ratio,
      targets: [
        {
          name: "HTML masking vs htmlparser2 parse-only",
          measured: ratio,
          target: ">= 0.7x",
          pass: ratio >= 0.7,
        },
      ],
      notes: [
        `HTMLRewriter variant (input/meta/marked-element attributes only, then the same value rules): ${rewriter} MB/s vs the htmlparser2 masker ${htmlMask} MB/s (${Math.round((rewriter / htmlMask) * 10) / 10}x).`,
        "Decision: htmlparser2 is kept. The HTMLRewriter variant is faster but not equally correct: it re-serialises every tag it modifies (e.g. `data-x='a'  class` loses a space: bytes outside the masked span change), it does not yet mask textarea or marked-element text, script state or selector rules, and it exists only inside workerd, while the same masker must also run in `npm run policy -- test` on Node. The ratio is the median of 15 alternating mask/parse-only pairs (the MB/s figures above are separate medians).",
      ],
    };
  } finally {
    await mf.dispose();
  }
}
