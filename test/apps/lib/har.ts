import { readFile } from "node:fs/promises";
import type { ArchivedExchange } from "./archive.ts";

/**
 * HAR (as playwright-core writes it with `recordHar`) against the archive: every request the browser sent
 * to the recorder must be one stored exchange. A request that went to the application's own origin instead
 * left the recorder (an "escape") and is counted as a browser request that was not recorded.
 */
type HarEntry = {
  startedDateTime: string;
  request: { method: string; url: string };
  response: { status: number; _transferSize?: number; _failureText?: string };
  timings: { wait: number };
  _fromCache?: string;
};

/**
 * Answered by the browser's own cache, never sent: Chromium's HAR (via playwright-core) marks these with
 * nothing but zero bytes transferred and no server wait (a revalidated 304 has both).
 */
const fromCache = (entry: HarEntry) =>
  entry._fromCache !== undefined || (entry.response._transferSize === 0 && entry.timings.wait < 0);
type Har = { log: { entries: HarEntry[] } };

export type BrowserRequest = { method: string; url: string; status: number };

export type Capture = {
  /** Requests the browser sent to the recorder (excluded paths aside) or, escaping it, to the application. */
  browserRequests: number;
  /** Of those, how many are in the archive (matched one to one, URLs compared after masking). */
  recorded: number;
  /** Requests to paths the configuration excludes from recording (EXCLUDE_PATHS): proxied, not stored. */
  excluded: BrowserRequest[];
  /** Requests that went to the application's origin, bypassing the recorder. */
  escaped: BrowserRequest[];
  /** Requests to the recorder with no archived exchange. */
  missing: BrowserRequest[];
  /** Served from the browser's cache: never sent, so not expected in the archive. */
  fromCache: number;
};

export async function readHar(path: string): Promise<HarEntry[]> {
  return (JSON.parse(await readFile(path, "utf8")) as Har).log.entries;
}

/**
 * Stand-ins the masker writes into stored URLs: `[REDACTED]`, `[hash:…]` and other `[kind:…]` tokens, and
 * truncated card numbers (`XXXXXXXXXXXX1234`, PCI DSS 3.4.1: at most the last four digits kept).
 */
export const MASK_TOKEN = /\[[A-Za-z][A-Za-z0-9_-]*(?::[^\]]*)?\]|[X*\u2022]{4,}/g;

function decode(part: string): string {
  try {
    return decodeURIComponent(part.replace(/\+/g, " "));
  } catch {
    return part;
  }
}

/** Equal, or equal once each stand-in in the stored text is allowed to cover any live text. */
function sameOrMasked(live: string, stored: string): boolean {
  if (live === stored) return true;
  const literals = stored.split(MASK_TOKEN);
  if (literals.length === 1) return false;
  const escaped = literals.map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  return new RegExp(`^${escaped.join(".+?")}$`, "s").test(live);
}

/** The stored URL is the live one after masking: same path and parameters, masked values aside. */
export function sameAfterMasking(live: URL, stored: URL): boolean {
  const a = live.pathname.split("/").map(decode);
  const b = stored.pathname.split("/").map(decode);
  if (a.length !== b.length || a.some((part, i) => !sameOrMasked(part, b[i] ?? ""))) return false;
  const p = [...live.searchParams];
  const q = [...stored.searchParams];
  return p.length === q.length && p.every(([k, v], i) => q[i]?.[0] === k && sameOrMasked(v, q[i]?.[1] ?? ""));
}

export function compareWithArchive(
  entries: readonly HarEntry[],
  archive: readonly ArchivedExchange[],
  origins: { recorder: string; app: readonly string[] },
  excludePaths: readonly string[],
): Capture {
  const unused = [...archive];
  const capture: Capture = {
    browserRequests: 0,
    recorded: 0,
    excluded: [],
    escaped: [],
    missing: [],
    fromCache: 0,
  };
  for (const entry of entries) {
    const url = new URL(entry.request.url);
    const request = { method: entry.request.method, url: entry.request.url, status: entry.response.status };
    if (origins.app.includes(url.origin)) {
      capture.browserRequests++;
      capture.escaped.push(request);
      continue;
    }
    if (url.origin !== origins.recorder || url.pathname.startsWith("/__verbatim")) continue;
    if (fromCache(entry)) {
      capture.fromCache++;
      continue;
    }
    if (excludePaths.some((prefix) => url.pathname.startsWith(prefix))) {
      capture.excluded.push(request);
      continue;
    }
    capture.browserRequests++;
    const i = unused.findIndex(
      (e) => e.request.method === request.method && sameAfterMasking(url, new URL(e.request.url)),
    );
    if (i < 0) capture.missing.push(request);
    else {
      unused.splice(i, 1);
      capture.recorded++;
    }
  }
  return capture;
}
