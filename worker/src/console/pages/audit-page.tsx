import { AUDIT_ACTIONS, type AuditEntry } from "../../audit/index.ts";
import type { Zone } from "../../read/model/time-zone.ts";
import { Layout, Notice } from "./layout.tsx";
import { Time } from "./time.tsx";

export type AuditQuery = { actor: string; action: string; from: string; to: string };

/**
 * The audit log for compliance: newest first, filtered by who and what, with the chain's state and an export
 * of the same filter as JSON Lines (verifiable offline).
 */
export function AuditPage(props: {
  query: AuditQuery;
  entries: readonly AuditEntry[];
  /** The whole chain checked, when asked for (it reads every entry), else null. */
  chain: { ok: true; seq: number } | { ok: false; seq: number; reason: string } | null;
  verifyHref: string;
  exportHref: string;
  older: string | null;
  zone: Zone;
  message: string | null;
}) {
  const { query, entries, chain, zone } = props;
  return (
    <Layout title="Audit log" zone={zone}>
      <h1>Audit log</h1>
      {chain === null ? (
        <p class="sub">
          Every entry commits to the one before it. <a href={props.verifyHref}>Verify the whole chain</a>
        </p>
      ) : chain.ok ? (
        <p class="sub">
          Chain verified through entry {chain.seq}: no entry was changed, removed or reordered.
        </p>
      ) : (
        <Notice kind="error">
          The chain breaks at entry {chain.seq}: {chain.reason}. Someone changed the log outside Verbatim.
        </Notice>
      )}
      {props.message ? <Notice kind="error">{props.message}</Notice> : null}
      <form class="search" method="get" action="/__verbatim/audit">
        <div>
          <label for="actor">Who</label>
          <input
            id="actor"
            name="actor"
            value={query.actor}
            placeholder="agent@acme.com, token:…, demo:support"
          />
        </div>
        <div>
          <label for="action">What</label>
          <select id="action" name="action">
            <option value="">anything</option>
            {Object.entries(AUDIT_ACTIONS).map(([action, what]) => (
              <option value={action} selected={query.action === action} title={what}>
                {action}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label for="from">From</label>
          <input id="from" name="from" value={query.from} placeholder="2026-11-01 or epoch ms" />
        </div>
        <div>
          <label for="to">To</label>
          <input id="to" name="to" value={query.to} placeholder="2026-11-30" />
        </div>
        <div class="actions">
          <button class="primary" type="submit">
            Filter
          </button>
          <a href={props.exportHref}>Export these (JSON Lines)</a>
        </div>
      </form>
      {entries.length === 0 ? <Notice kind="info">No entry matches.</Notice> : null}
      {entries.length > 0 ? (
        <table>
          <thead>
            <tr>
              <th>#</th>
              <th>When</th>
              <th>Who</th>
              <th>What</th>
              <th>Target</th>
              <th>Detail</th>
              <th>From</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <tr>
                <td class="mono">{e.seq}</td>
                <td>
                  <Time at={e.at} zone={zone} />
                </td>
                <td>
                  {e.actor}
                  <br />
                  <span class="muted small">
                    {e.roles.join(", ") || "no role"} · {e.via}
                  </span>
                </td>
                <td class="mono">{e.action}</td>
                <td class="url">{e.target ?? ""}</td>
                <td class="url small">{detailText(e.detail)}</td>
                <td class="mono small">{e.source ?? ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {props.older ? (
        <p>
          <a href={props.older}>Older entries →</a>
        </p>
      ) : null}
    </Layout>
  );
}

/** A detail as short `key=value` pairs, leaving out what the filter did not use (null, false). */
function detailText(detail: AuditEntry["detail"]): string {
  return Object.entries(detail)
    .filter(([, value]) => value !== null && value !== false)
    .map(([key, value]) => `${key}=${typeof value === "object" ? JSON.stringify(value) : String(value)}`)
    .join(" · ");
}
