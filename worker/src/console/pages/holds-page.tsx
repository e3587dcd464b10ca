import type { Hold, RetentionStatus } from "../../retention/index.ts";
import type { Zone } from "../../read/model/time-zone.ts";
import { Layout, Notice } from "./layout.tsx";
import { Time } from "./time.tsx";

export type HoldForm = { kind: string; value: string; reason: string };

const KINDS = [
  ["session", "Session", "the session id (32 hex characters)"],
  [
    "customer",
    "Customer",
    "what the customer gave (username, email), hashed before it is stored; or its [hash:…] token",
  ],
  ["day", "Day (UTC)", "YYYY-MM-DD: every session active that day"],
] as const;

/**
 * Legal holds and retention for compliance: the policy and the job's last run, the holds (active first,
 * lifted ones kept as history), a form to place a hold and one per active hold to lift it.
 */
export function HoldsPage(props: {
  holds: readonly Hold[];
  status: RetentionStatus;
  form: HoldForm;
  zone: Zone;
  message: string | null;
  notice: string | null;
}) {
  const { holds, status, zone } = props;
  const active = holds.filter((h) => h.lifted_at === null);
  const lifted = holds.filter((h) => h.lifted_at !== null);
  const last = status.lastRun;
  return (
    <Layout title="Legal holds and retention" zone={zone}>
      <h1>Legal holds and retention</h1>
      <p class="sub">
        Sessions are deleted once their last activity is older than their site's retention period, with the
        bodies no kept session references. Nothing a hold names is deleted while the hold is in force.
      </p>
      {props.message ? <Notice kind="error">{props.message}</Notice> : null}
      {props.notice ? <Notice kind="info">{props.notice}</Notice> : null}

      <h2>Retention</h2>
      {status.policy === null ? (
        <Notice kind="error">RETENTION does not parse: nothing is deleted until ops fix it.</Notice>
      ) : (
        <table>
          <thead>
            <tr>
              <th>Site</th>
              <th>Kept for</th>
              <th>Deleting sessions last active before</th>
            </tr>
          </thead>
          <tbody>
            {status.policy.map((rule) => (
              <tr>
                <td class="mono">{rule.host === "*" ? "every other site" : rule.host}</td>
                <td>{rule.period}</td>
                <td>{rule.cutoff ? <Time at={Date.parse(rule.cutoff)} zone={zone} /> : "never"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p class="small muted">
        {last ? (
          <>
            Last run <Time at={last.at} zone={zone} /> ({last.trigger}
            {last.requestedBy ? ` by ${last.requestedBy}` : ""}): {last.counts.sessions} sessions,{" "}
            {last.counts.bodies} bodies and {last.counts.segments} segments deleted; {last.counts.bodiesKept}{" "}
            bodies kept (still referenced); {last.heldSessions} expired sessions kept by holds.{" "}
            {last.error ? (
              <span class="badge bad">stopped: {last.error}</span>
            ) : last.done ? (
              "Cycle complete."
            ) : (
              "Cycle continues."
            )}
          </>
        ) : (
          "The retention job has not run yet."
        )}{" "}
        Next run <Time at={Date.parse(status.nextRun)} zone={zone} />. Deleted so far:{" "}
        {status.totals.sessions} sessions, {status.totals.bodies} bodies.
      </p>

      <h2>Place a hold</h2>
      <form class="search" method="post" action="/__verbatim/holds">
        <div>
          <label for="kind">Hold</label>
          <select id="kind" name="kind">
            {KINDS.map(([kind, label, hint]) => (
              <option value={kind} selected={props.form.kind === kind} title={hint}>
                {label}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label for="value">Which</label>
          <input
            id="value"
            name="value"
            value={props.form.value}
            placeholder="session id, customer, or 2026-11-23"
          />
        </div>
        <div class="wide">
          <label for="reason">Reason</label>
          <input
            id="reason"
            name="reason"
            value={props.form.reason}
            placeholder="matter, request or case number"
          />
        </div>
        <div class="actions">
          <button class="primary" type="submit">
            Place hold
          </button>
        </div>
      </form>

      <h2>Holds in force ({active.length})</h2>
      {active.length === 0 ? (
        <Notice kind="info">No hold is in force.</Notice>
      ) : (
        <HoldTable holds={active} zone={zone} lift />
      )}
      {lifted.length > 0 ? (
        <>
          <h2>Lifted holds</h2>
          <HoldTable holds={lifted} zone={zone} lift={false} />
        </>
      ) : null}
    </Layout>
  );
}

function HoldTable(props: { holds: readonly Hold[]; zone: Zone; lift: boolean }) {
  return (
    <table>
      <thead>
        <tr>
          <th>Holds</th>
          <th>Reason</th>
          <th>Placed</th>
          <th>{props.lift ? "Lift" : "Lifted"}</th>
        </tr>
      </thead>
      <tbody>
        {props.holds.map((h) => (
          <tr id={`hold-${h.id}`}>
            <td>
              <span class="badge kind">{h.kind}</span> <span class="url">{h.value}</span>
            </td>
            <td>{h.reason}</td>
            <td>
              <Time at={h.placed_at} zone={props.zone} stacked />
              <br />
              <span class="muted small">{h.placed_by}</span>
            </td>
            <td>
              {props.lift ? (
                <form method="post" action={`/__verbatim/holds/${h.id}/lift`}>
                  <input name="reason" placeholder="why it is lifted" aria-label="why it is lifted" />
                  <button class="link" type="submit">
                    Lift
                  </button>
                </form>
              ) : (
                <>
                  {h.lifted_at === null ? null : <Time at={h.lifted_at} zone={props.zone} stacked />}
                  <br />
                  <span class="muted small">
                    {h.lifted_by}: {h.lift_reason}
                  </span>
                </>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
