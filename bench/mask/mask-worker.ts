/**
 * Runs inside workerd (Miniflare), so that the runtime's native HTMLRewriter can be compared with htmlparser2
 * on the same input. Clocks do not advance during computation inside a Worker (a Spectre mitigation), so
 * the caller times each request from outside: `GET /?case=<name>&iterations=N` runs N iterations and
 * answers with a checksum (which also keeps the work from being optimised away).
 */
import { Parser } from "htmlparser2";
import { MaskContext } from "../../worker/src/mask/context.ts";
import { ruleForElement } from "../../worker/src/mask/element-rules.ts";
import { maskBody } from "../../worker/src/mask/mask-body.ts";
import { applyAction } from "../../worker/src/mask/actions.ts";
import { maskValues } from "../../worker/src/mask/value-rules.ts";
import { bytesToBinary } from "../../worker/src/util/binary-string.ts";
import { htmlPage, jsonBody } from "./fixtures.ts";

const html = new TextEncoder().encode(htmlPage());
const json = new TextEncoder().encode(jsonBody());

/** The element rules of the masker, applied with HTMLRewriter, then the same value rules over the result. */
async function maskWithRewriter(bytes: Uint8Array): Promise<number> {
  const ctx = new MaskContext();
  const rewriter = new HTMLRewriter().on("input, textarea, meta, [data-verbatim-mask]", {
    element(element) {
      const attribs: Record<string, string> = {};
      for (const [name, value] of element.attributes)
        if (name !== undefined && value !== undefined) attribs[name] = value;
      const rule = ruleForElement(ctx, element.tagName, attribs);
      if (!rule) return;
      for (const name of ["value", "content"]) {
        const value = element.getAttribute(name);
        if (value !== null)
          element.setAttribute(name, applyAction(rule, value, ctx, `html:${element.tagName}`));
      }
    },
  });
  const rewritten = new Uint8Array(await rewriter.transform(new Response(bytes)).arrayBuffer());
  return maskValues(bytesToBinary(rewritten), ctx, "html").length;
}

const CASES: Record<string, () => number | Promise<number>> = {
  noop: () => 0,
  "html-mask": () => maskBody(html, "text/html; charset=utf-8", new MaskContext({ side: "response" })).length,
  "html-parse-only": () => {
    let events = 0;
    const parser = new Parser(
      { onopentag: () => events++, ontext: () => events++ },
      { decodeEntities: true },
    );
    parser.end(bytesToBinary(html));
    return events;
  },
  "html-rewriter-mask": () => maskWithRewriter(html),
  "json-mask": () => maskBody(json, "application/json", new MaskContext({ side: "response" })).length,
  "json-parse": () => (JSON.parse(new TextDecoder().decode(json)) as { total: number }).total,
};

export default {
  async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const name = url.searchParams.get("case") ?? "";
    if (name === "sizes") return Response.json({ html: html.length, json: json.length });
    const run = CASES[name];
    if (!run) return new Response(`unknown case ${name}`, { status: 400 });
    const iterations = Number(url.searchParams.get("iterations") ?? "1");
    let checksum = 0;
    for (let i = 0; i < iterations; i++) checksum += await run();
    return Response.json({ checksum });
  },
};
