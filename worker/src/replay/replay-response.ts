import { sha256Hex } from "../snapshot/record-hash.ts";
import type { BlobStore } from "../store/blob-store.ts";
import type { ExchangeRow } from "../record/rows.ts";
import { replayHeaders, replayOnlyHeaders } from "./replay-headers.ts";
import { replayPageHtml, replayPageJson, replayPageText, type ReplayPage } from "./replay-pages.ts";
import { rewriteBody } from "./rewrite-body.ts";
import { withoutStaleIntegrity, type SubresourceLookup } from "./served-integrity.ts";
import type { SiteOrigin } from "./site-origin.ts";

/** Statuses whose responses carry no body (RFC 9110 §6.4.1); a Response with one would throw. */
const NULL_BODY_STATUSES: ReadonlySet<number> = new Set([204, 205, 304]);

/** What a replay request is answered with: a recorded exchange, possibly with its body from another. */
export type Answer = {
  /** The exchange whose status and headers are replayed. */
  row: ExchangeRow;
  /** The exchange the body (and the headers under `row`'s) comes from: `row` itself unless revalidated. */
  bodyFrom: ExchangeRow;
  status: number;
  outcome: "recorded" | "recorded-inexact" | "revalidated" | "shared-capture";
};

export type ResponseContext = {
  request: Request;
  navigation: boolean;
  site: SiteOrigin;
  /** The origin of `request` (`http://<session>--<page view>.<REPLAY_HOST>:<port>`), which scripts' URLs name. */
  replayOrigin: string;
  frameAncestors: readonly string[];
  blobs: BlobStore;
  /** Finds what a page's integrity-checked subresources would be served with; null: pages are sent as stored. */
  subresources: SubresourceLookup | null;
};

type HeaderList = Array<[string, string]>;

/** Sends a recorded exchange: its masked headers, minus what must not replay, and its verified body. */
export async function answerResponse(answer: Answer, ctx: ResponseContext): Promise<Response> {
  const { row, bodyFrom } = answer;
  if (answer.status < 200 || answer.status > 599) {
    // 101 Switching Protocols (a WebSocket): its frames were never recorded, and a Response cannot carry it.
    return pageResponse(
      ctx,
      {
        status: 501,
        title: "Not replayable",
        message: `Exchange ${row.id} answered ${answer.status}; Verbatim does not replay protocol switches.`,
        back: null,
      },
      "not-replayable",
    );
  }
  // RFC 9110 §15.4.5: a 304 carries the headers the 200 would have; the 200's fill in the rest.
  const recorded: HeaderList =
    bodyFrom === row
      ? parseHeaders(row.response_headers)
      : mergeHeaders(parseHeaders(bodyFrom.response_headers), parseHeaders(row.response_headers));
  const extra: Record<string, string> = {};
  if (bodyFrom !== row) extra["x-verbatim-body-from"] = bodyFrom.id;

  const noBody = ctx.request.method === "HEAD" || NULL_BODY_STATUSES.has(answer.status);
  const digest = bodyFrom.response_body_digest;
  let body: Uint8Array | null = null;
  if (!noBody && digest !== null) {
    const bytes = await storedBody(ctx.blobs, digest);
    if (bytes === "missing") {
      return pageResponse(
        ctx,
        {
          status: 502,
          title: "Recorded body missing",
          message: `Exchange ${bodyFrom.id} is indexed but its body ${digest} is not in storage.`,
          back: null,
        },
        "body-missing",
      );
    }
    if (bytes === "corrupt") {
      return pageResponse(
        ctx,
        {
          status: 502,
          title: "Recorded body failed its integrity check",
          message: `The stored body of exchange ${bodyFrom.id} does not match its SHA-256 digest ${digest}.`,
          back: null,
        },
        "integrity-failed",
      );
    }
    const page = ctx.subresources
      ? await withoutStaleIntegrity(bytes, bodyFrom.content_type, row.url, ctx.site, ctx.subresources)
      : bytes;
    body = rewriteBody(page, bodyFrom.content_type, ctx.site, ctx.replayOrigin);
    extra["x-verbatim-digest"] = digest;
  } else if (!noBody && bodyFrom.response_body_note !== null) {
    // The site sent a body the recorder did not keep (type not recorded, masking failed, storage failed).
    extra["x-verbatim-body"] = `not-recorded; note=${bodyFrom.response_body_note}`;
    // A navigation would show a blank page: say why instead (redirects still redirect).
    if (ctx.navigation && (answer.status < 300 || answer.status >= 400)) {
      const headers = replayOnlyHeaders({
        frameAncestors: ctx.frameAncestors,
        outcome: answer.outcome,
        exchangeId: row.id,
        extra,
      });
      headers.set("content-type", "text/html; charset=utf-8");
      const page: ReplayPage = {
        status: answer.status,
        title: "Page recorded without its body",
        message: `The site answered ${answer.status}, but the body was not stored (${bodyFrom.response_body_note ?? "no body captured"}).`,
        back: null,
      };
      return new Response(replayPageHtml(page), { status: answer.status, headers });
    }
  }
  if (answer.outcome === "recorded" || answer.outcome === "recorded-inexact") {
    extra["x-verbatim-match"] = answer.outcome === "recorded" ? "exact" : "method-url";
  }
  const headers = replayHeaders(recorded, {
    site: ctx.site,
    frameAncestors: ctx.frameAncestors,
    outcome: answer.outcome,
    exchangeId: row.id,
    extra,
  });
  return new Response(noBody ? null : body, { status: answer.status, headers });
}

/**
 * A stored body, or why there is none to send. The archive is evidence: a body that no longer hashes to its
 * digest is never shown as the recording.
 */
export async function storedBody(
  blobs: BlobStore,
  digest: string,
): Promise<Uint8Array | "missing" | "corrupt"> {
  const bytes = await blobs.get(digest);
  if (bytes === null) return "missing";
  return (await sha256Hex(bytes)) === digest ? bytes : "corrupt";
}

/** A page of replay's own (not recorded, bad request, ...), in the form the request asked for. */
export function pageResponse(
  ctx: Pick<ResponseContext, "request" | "navigation" | "frameAncestors">,
  page: ReplayPage,
  outcome: string,
): Response {
  const headers = replayOnlyHeaders({ frameAncestors: ctx.frameAncestors, outcome, exchangeId: null });
  const accept = ctx.request.headers.get("accept") ?? "";
  let text: string;
  if (ctx.navigation) {
    headers.set("content-type", "text/html; charset=utf-8");
    text = replayPageHtml(page);
  } else if (accept.includes("json")) {
    headers.set("content-type", "application/json");
    text = replayPageJson(page);
  } else {
    headers.set("content-type", "text/plain; charset=utf-8");
    text = replayPageText(page);
  }
  return new Response(ctx.request.method === "HEAD" ? null : text, { status: page.status, headers });
}

function parseHeaders(json: string): HeaderList {
  const parsed: unknown = JSON.parse(json);
  if (!Array.isArray(parsed)) return [];
  return parsed.filter(
    (pair): pair is [string, string] =>
      Array.isArray(pair) && typeof pair[0] === "string" && typeof pair[1] === "string",
  );
}

/** `base` with every header `over` has replaced by `over`'s values (content headers of a 304 aside). */
function mergeHeaders(base: HeaderList, over: HeaderList): HeaderList {
  const replaced = new Set(
    over.map(([name]) => name.toLowerCase()).filter((name) => !name.startsWith("content-")),
  );
  return [
    ...base.filter(([name]) => !replaced.has(name.toLowerCase())),
    ...over.filter(([name]) => replaced.has(name.toLowerCase())),
  ];
}
