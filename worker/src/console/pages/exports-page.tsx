import type { ExportView } from "../../export-job/export-view.ts";
import { zoneChoices, type Zone } from "../../read/model/time-zone.ts";
import { formatBytes } from "../model/byte-size.ts";
import type { ExportForm } from "../model/export-form.ts";
import { Layout, Notice } from "./layout.tsx";
import { Time } from "./time.tsx";

/** How often a page showing a queued or running export reloads itself. */
export const PROGRESS_REFRESH_SECONDS = 3;

const STATUS_BADGE: Readonly<Record<ExportView["status"], string>> = {
  queued: "warn",
  running: "warn",
  done: "ok",
  failed: "bad",
};

export function isUnderWay(view: ExportView): boolean {
  return view.status === "queued" || view.status === "running";
}

/** Start an export (a day, a session or a customer, optionally one URL prefix) and follow the recent ones. */
export function ExportsPage(props: {
  exports: readonly ExportView[];
  form: ExportForm;
  zone: Zone;
  message: string | null;
}) {
  const { exports, zone } = props;
  return (
    <Layout
      title="Exports"
      zone={zone}
      {...(exports.some(isUnderWay) ? { refresh: PROGRESS_REFRESH_SECONDS } : {})}
    >
      <h1>Exports</h1>
      <p class="sub">
        A signed WACZ archive of a day, a session or a customer, with the evidence log's proof for every
        record. Check one offline with <span class="mono">npm run verify -- file.wacz</span>.
      </p>
      {props.message ? <Notice kind="error">{props.message}</Notice> : null}
      <div class="card">
        <ExportFields form={props.form} zone={zone} />
      </div>
      <h2>Recent exports</h2>
      {exports.length === 0 ? (
        <Notice kind="info">No export yet.</Notice>
      ) : (
        <table>
          <thead>
            <tr>
              <th>Started</th>
              <th>Scope</th>
              <th>By</th>
              <th>Status</th>
              <th>Progress</th>
              <th>Archive</th>
            </tr>
          </thead>
          <tbody>
            {exports.map((view) => (
              <tr class={view.status === "failed" ? "failed" : ""}>
                <td>
                  <a href={`/__verbatim/exports/${view.id}`}>
                    <Time at={Date.parse(view.createdAt)} zone={zone} />
                  </a>
                </td>
                <td>
                  <ScopeText view={view} />
                </td>
                <td class="small">{view.requestedBy}</td>
                <td>
                  <StatusBadge view={view} />
                  {view.error ? <div class="small">{view.error}</div> : null}
                </td>
                <td class="small">{progressText(view)}</td>
                <td>
                  <DownloadLink view={view} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Layout>
  );
}

/** One export: where it stands, why it failed, or its archive and the digest its signature covers. */
export function ExportPage(props: { view: ExportView; zone: Zone }) {
  const { view, zone } = props;
  return (
    <Layout
      title={`Export ${view.id}`}
      zone={zone}
      {...(isUnderWay(view) ? { refresh: PROGRESS_REFRESH_SECONDS } : {})}
    >
      <div class="session-head">
        <h1>Export</h1>
        <span class="mono muted">{view.id}</span>
        <StatusBadge view={view} />
      </div>
      {view.error ? <Notice kind="error">{view.error}</Notice> : null}
      {isUnderWay(view) ? (
        <p class="sub">
          This page reloads itself every {PROGRESS_REFRESH_SECONDS} seconds until the export ends.
        </p>
      ) : null}
      <div class="facts">
        <div>
          <b>Scope</b>
          <ScopeText view={view} />
        </div>
        <div>
          <b>Requested by</b>
          {view.requestedBy}
        </div>
        <div>
          <b>Started</b>
          <Time at={Date.parse(view.createdAt)} zone={zone} stacked />
        </div>
        <div>
          <b>Last progress</b>
          <Time at={Date.parse(view.updatedAt)} zone={zone} stacked />
        </div>
        <div>
          <b>Progress</b>
          {progressText(view)}
        </div>
        <div>
          <b>Proofs against</b>
          {view.treeSize === null ? "—" : `the signed head of ${view.treeSize} leaves`}
        </div>
      </div>
      {view.datapackageSha256 ? (
        <p class="small">
          datapackage.json SHA-256 <span class="mono">{view.datapackageSha256}</span>
        </p>
      ) : null}
      <p>
        <DownloadLink view={view} />
      </p>
      <p>
        <a href="/__verbatim/exports">← All exports</a>
      </p>
    </Layout>
  );
}

function ExportFields(props: { form: ExportForm; zone: Zone }) {
  const { form, zone } = props;
  const tz = form.tz === "" ? zone.id : form.tz;
  const choices = zoneChoices();
  return (
    <form class="search" method="post" action="/__verbatim/exports">
      <p class="wide muted small">
        Fill in one of day, session or customer. The customer's identifier is hashed before it is used, as in
        search, and never stored.
      </p>
      <div>
        <label for="day">Day</label>
        <input id="day" name="day" type="date" value={form.day} />
      </div>
      <div>
        <label for="tz">Time zone of the day</label>
        <select id="tz" name="tz">
          {choices.includes(tz) ? null : <option value={tz}>{tz}</option>}
          {choices.map((id) => (
            <option value={id} selected={id === tz}>
              {id}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label for="session">Session id</label>
        <input id="session" name="session" value={form.session} placeholder="32 hex digits" />
      </div>
      <div>
        <label for="customer">Customer identifier</label>
        <input
          id="customer"
          name="customer"
          autocomplete="off"
          value={form.customer}
          placeholder="alice@example.com"
        />
      </div>
      <div class="wide">
        <label for="url">Only URLs starting with (optional)</label>
        <input id="url" name="url" value={form.url} placeholder="https://shop.example/checkout" />
      </div>
      <div class="actions">
        <button class="primary" type="submit">
          Start export
        </button>
      </div>
    </form>
  );
}

function ScopeText(props: { view: ExportView }) {
  const { scope } = props.view;
  const url = scope.url === null ? null : <span class="url small"> · URLs starting {scope.url}</span>;
  if (scope.kind === "day")
    return (
      <span>
        day {scope.day} ({scope.zone}){url}
      </span>
    );
  if (scope.kind === "unreadable") return <span>(scope unreadable)</span>;
  if (scope.kind === "session")
    return (
      <span>
        session{" "}
        <a class="mono" href={`/__verbatim/sessions/${scope.session}`}>
          {scope.session.slice(0, 12)}…
        </a>
        {url}
      </span>
    );
  return (
    <span>
      customer{" "}
      <a class="mono" href={`/__verbatim/customers?customer_token=${encodeURIComponent(scope.customer)}`}>
        {scope.customer}
      </a>
      {url}
    </span>
  );
}

function StatusBadge(props: { view: ExportView }) {
  return <span class={`badge ${STATUS_BADGE[props.view.status]}`}>{props.view.status}</span>;
}

function DownloadLink(props: { view: ExportView }) {
  const { view } = props;
  if (view.download === null)
    return <span class="muted small">{isUnderWay(view) ? "not ready yet" : "—"}</span>;
  return (
    <a href={view.download} download>
      Download WACZ ({formatBytes(view.progress.bytes)})
    </a>
  );
}

function progressText(view: ExportView): string {
  const { slicesDone, slicesTotal, records, bytes } = view.progress;
  const slices = `${slicesDone} of ${slicesTotal ?? "?"} slice${slicesTotal === 1 ? "" : "s"}`;
  return `${slices} · ${records} record${records === 1 ? "" : "s"} · ${formatBytes(bytes)}`;
}
