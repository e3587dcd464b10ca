import { formatDuration } from "../model/duration.ts";
import type { MaskFinding } from "../../read/model/mask-findings.ts";
import type { Call, PageView, SessionTimeline } from "../../read/model/timeline.ts";
import { formatInZone, type Zone } from "../../read/model/time-zone.ts";
import { Status, Time } from "./time.tsx";

const KIND_LABELS: Readonly<Record<Call["kind"], string>> = {
  form: "form",
  json: "JSON",
  document: "HTML",
  fetch: "fetch",
};

/** Page views in order, each with the calls made while it was open. Shared by session and customer views. */
export function TimelineList(props: { timeline: SessionTimeline; zone: Zone }) {
  const { timeline, zone } = props;
  const lead = timeline.lead;
  return (
    <ol class="pages">
      {lead.calls.length > 0 || lead.assets.count > 0 ? (
        <li>
          {timeline.pageViews.length > 0 ? (
            <div class="muted">Before the first page view</div>
          ) : (
            <div class="muted">
              No page views: this client never navigated to a page (curl, a native app or an API client send
              no <span class="mono">Sec-Fetch-Dest: document</span> or HTML <span class="mono">Accept</span>),
              so there is no page to replay. Its calls are listed in order, each with its stored bodies.
            </div>
          )}
          <Calls calls={lead.calls} assets={lead.assets} zone={zone} />
        </li>
      ) : null}
      {timeline.pageViews.map((page, i) => (
        <PageViewItem page={page} index={i + 1} zone={zone} />
      ))}
    </ol>
  );
}

function PageViewItem(props: { page: PageView; index: number; zone: Zone }) {
  const { page, zone } = props;
  return (
    <li class={page.failed ? "failed" : ""} id={`x-${page.id}`}>
      <div class="pv">
        <span class="when">
          <Time at={page.startedAt} zone={zone} stacked />
        </span>
        <span
          title={page.timeOnPageUntil ? `time on page, until the ${page.timeOnPageUntil}` : "time on page"}
        >
          {formatDuration(page.timeOnPageMs)}
        </span>
        <span>
          <span class="muted">{props.index}.</span> {page.method === "GET" ? null : <b>{page.method} </b>}
          <Url url={page.url} /> <Status status={page.status} error={page.error} />
          {page.errorCount > (page.failed ? 1 : 0) ? (
            <span class="badge bad">
              {page.errorCount} {page.errorCount === 1 ? "error" : "errors"} on this page
            </span>
          ) : null}
        </span>
        <a href={`/__verbatim/replay/${page.id}`}>Replay ▸</a>
      </div>
      <Submitted exchange={page} />
      <Calls calls={page.calls} assets={page.assets} zone={zone} />
    </li>
  );
}

function Calls(props: { calls: Call[]; assets: PageView["assets"]; zone: Zone }) {
  if (props.calls.length === 0 && props.assets.count === 0) return null;
  return (
    <ul class="calls">
      {props.calls.map((call) => (
        <li class={call.failed ? "failed" : ""} id={`x-${call.id}`}>
          <div class="call">
            <span class="muted small">{timeOfDay(call.startedAt, props.zone)}</span>
            <span>
              <span class="badge kind">{KIND_LABELS[call.kind]}</span>
            </span>
            <span>
              <b>{call.method}</b> <Url url={call.url} />
            </span>
            <span>
              <Status status={call.status} error={call.error} />{" "}
              <span class="muted small">{formatDuration(call.durationMs)}</span>
            </span>
            <BodyLinks exchange={call} />
          </div>
          <Submitted exchange={call} />
        </li>
      ))}
      {props.assets.count > 0 ? (
        <li class={props.assets.failed > 0 ? "failed muted small" : "muted small"}>
          + {props.assets.count} asset{props.assets.count === 1 ? "" : "s"} (styles, scripts, images, fonts)
          {props.assets.failed > 0 ? `, ${props.assets.failed} failed` : ""}
        </li>
      ) : null}
    </ul>
  );
}

/** The stored bodies, served by the read API (which takes the console cookie) as a sandboxed document. */
function BodyLinks(props: { exchange: Pick<Call, "id" | "stored"> }) {
  const { id, stored } = props.exchange;
  const href = (part: "request" | "response") => `/__verbatim/api/exchanges/${id}/body?part=${part}`;
  return (
    <span class="small">
      {stored.request ? <a href={href("request")}>request body</a> : null}
      {stored.request && stored.response ? " · " : null}
      {stored.response ? <a href={href("response")}>response body</a> : null}
    </span>
  );
}

/**
 * What was sent with an exchange, as stored: the request body's fields with masked ones marked and the
 * rule named; without readable fields, the masking findings alone.
 */
function Submitted(props: { exchange: Pick<Call, "requestFields" | "masked" | "requestNote"> }) {
  const { requestFields, masked, requestNote } = props.exchange;
  return (
    <>
      {requestFields ? (
        <dl class="fields">
          {requestFields.map((field) => (
            <>
              <dt>{field.name}</dt>
              <dd>
                {field.value}
                {field.maskedBy ? <span class="masked"> · masked by rule {field.maskedBy}</span> : null}
              </dd>
            </>
          ))}
        </dl>
      ) : (
        <Masked findings={masked} />
      )}
      {requestNote ? <div class="muted small">request body: {requestNote}</div> : null}
    </>
  );
}

/** Masking findings without a body to show them in: field, where, rule. */
function Masked(props: { findings: MaskFinding[] }) {
  if (props.findings.length === 0) return null;
  return (
    <dl class="fields">
      {props.findings.map((f) => (
        <>
          <dt>{f.field ?? f.where}</dt>
          <dd>
            <span class="masked">masked</span>
            <span class="muted">
              {" "}
              by rule {f.rule} in {f.where}
              {f.count > 1 ? ` (${f.count}×)` : ""}
            </span>
          </dd>
        </>
      ))}
    </dl>
  );
}

function timeOfDay(at: number, zone: Zone): string {
  return formatInZone(at, zone).slice(11);
}

/** Path and query (the session's host is in the page header); the full recorded URL on hover. */
function Url(props: { url: string }) {
  let short = props.url;
  try {
    const url = new URL(props.url);
    short = url.pathname + url.search;
  } catch {
    // Recorded URLs are absolute; keep anything else as it is.
  }
  return (
    <span class="url" title={props.url}>
      {short}
    </span>
  );
}
