import { entryLines } from "./entry-lines.ts";
import { VerifyFailure } from "./failure.ts";
import { isObject, parseJson } from "./json-shape.ts";
import { ENTRY } from "./layout.ts";
import type { ZipFile } from "./zip-file.ts";

/**
 * `pages/pages.jsonl` (WACZ 1.2 "Pages"): a header line `{"format":"json-pages-1.0","id":"pages",…}`, then
 * one line per page view, whose `id` is the exchange id. The list must be exactly the exported records
 * marked as page views (`page_view` 1), each with the record's URL and time, so a replay tool's page
 * list neither hides a page a customer saw nor offers one that is not in the evidence.
 */
export type PageView = { url: string; ts: string };

export async function checkPages(zip: ZipFile, pageViews: ReadonlyMap<string, PageView>): Promise<number> {
  const file = ENTRY.pages;
  const entry = zip.entry(file);
  if (!entry) throw new VerifyFailure("zip", { file }, "is missing from the export");
  const listed = new Set<string>();
  let header = false;
  for await (const { number, text } of entryLines(zip, entry)) {
    if (text === "") continue;
    const fail = (message: string, exchange?: string) =>
      new VerifyFailure("pages", { file, line: number, ...(exchange ? { exchange } : {}) }, message);
    const json = parseJson(text);
    if (!isObject(json)) throw fail("is not a JSON object");
    if (!header) {
      if (json["format"] !== "json-pages-1.0") throw fail('header does not say "format": "json-pages-1.0"');
      header = true;
      continue;
    }
    const { id, url, ts } = json;
    if (typeof id !== "string" || typeof url !== "string" || typeof ts !== "string")
      throw fail('page has no "id", "url" and "ts"');
    const view = pageViews.get(id);
    if (!view) throw fail(`page ${url} is not an exported page view`, id);
    if (view.url !== url) throw fail(`page URL is ${url}, the evidence record's is ${view.url}`, id);
    if (view.ts !== ts) throw fail(`page time is ${ts}, the evidence record's is ${view.ts}`, id);
    if (listed.has(id)) throw fail("page is listed twice", id);
    listed.add(id);
  }
  if (!header) throw new VerifyFailure("pages", { file }, "has no header line");
  for (const [id, view] of pageViews) {
    if (!listed.has(id))
      throw new VerifyFailure("pages", { file, exchange: id }, `page view of ${view.url} is not listed`);
  }
  return listed.size;
}
