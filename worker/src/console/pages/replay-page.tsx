import type { ReplayFrame } from "../../read/load-replay.ts";
import { INTEGRITY_LABELS } from "../../read/model/integrity.ts";
import type { Seal } from "../../read/load-seal.ts";
import type { Zone } from "../../read/model/time-zone.ts";
import { Layout } from "./layout.tsx";
import { SealLabel, SealLine } from "./seal.tsx";
import { Status, Time } from "./time.tsx";

const EVENT_LABELS: Readonly<Record<string, string>> = {
  blocked: "blocked (left the replay origin)",
  not_recorded: "not recorded in this session",
};

/**
 * A replayed page view. The banner lives outside the frame, on the console's origin, so nothing the
 * recorded page does can hide or fake it; the frame is the replay origin of this one page view.
 */
export function ReplayPage(props: { frame: ReplayFrame; seal: Seal; zone: Zone }) {
  const { frame, seal, zone } = props;
  const { exchange, integrity } = frame;
  return (
    <Layout title={`Replay ${new URL(exchange.url).pathname}`} zone={zone} wide>
      <section class="banner" aria-label="Recording details">
        <div>
          <b>Session</b>
          <a class="mono" href={`/__verbatim/sessions/${exchange.session_id}#x-${exchange.id}`}>
            {exchange.session_id.slice(0, 12)}…
          </a>
        </div>
        <div>
          <b>Captured</b>
          <Time at={exchange.started_at} zone={zone} stacked />
        </div>
        <div>
          <b>Masking policy</b>
          <span class="mono">{exchange.mask_policy}</span>
        </div>
        <div>
          <b>Integrity</b>
          <span class={`integrity ${integrity.status}`}>{INTEGRITY_LABELS[integrity.status]}</span>
        </div>
        <div>
          <b>Evidence log</b>
          <SealLabel seal={seal} />
        </div>
        <div>
          <b>Page</b>
          {exchange.method} <Status status={exchange.status} error={exchange.error} />
        </div>
        <div class="url">
          <b>URL</b>
          {exchange.url}
        </div>
      </section>
      <nav class="frame-nav" aria-label="Page views">
        {frame.previous ? (
          <a href={`/__verbatim/replay/${frame.previous.id}`} title={frame.previous.url}>
            ← Previous page view: {new URL(frame.previous.url).pathname}
          </a>
        ) : (
          <span class="muted">First page view of the session</span>
        )}
        <a href={`/__verbatim/replay/${exchange.id}?full=1`} target="_blank" rel="noopener noreferrer">
          Open replay in its own tab
        </a>
        {frame.next ? (
          <a href={`/__verbatim/replay/${frame.next.id}`} title={frame.next.url}>
            Next page view: {new URL(frame.next.url).pathname} →
          </a>
        ) : (
          <span class="muted">Last page view of the session</span>
        )}
      </nav>
      <ReplayFrameElement frame={frame} />
      <main>
        <h2>Integrity checks</h2>
        <SealLine seal={seal} zone={zone} />
        <table>
          <tbody>
            {integrity.checks.map((check) => (
              <tr class={check.result === "ok" ? "" : "failed"}>
                <td>{check.subject}</td>
                <td>
                  <span class={`badge ${check.result === "ok" ? "ok" : "bad"}`}>{check.result}</span>
                </td>
                <td class="mono">{check.detail}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <h2>Replay events</h2>
        {frame.events.length === 0 ? (
          <p class="muted">
            None recorded for this page view: no request left the replay origin or asked for something the
            session never fetched.
          </p>
        ) : (
          <table>
            <thead>
              <tr>
                <th>When</th>
                <th>What</th>
                <th>URL</th>
              </tr>
            </thead>
            <tbody>
              {frame.events.map((event) => (
                <tr class={event.kind === "blocked" ? "failed" : ""}>
                  <td>
                    <Time at={event.at} zone={zone} />
                  </td>
                  <td>{EVENT_LABELS[event.kind] ?? event.kind}</td>
                  <td class="url">{event.url}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </main>
    </Layout>
  );
}

/**
 * "Open replay in its own tab": the replay is never a top-level page (the replay origin refuses to be one),
 * so the tab is a console page holding only the frame, full-window, under the same sandbox and frame-src.
 */
export function ReplayFullPage(props: { frame: ReplayFrame }) {
  return (
    <Layout title={`Replay ${new URL(props.frame.exchange.url).pathname}`} wide bare>
      <ReplayFrameElement frame={props.frame} full />
    </Layout>
  );
}

/**
 * The replay frame. The sandbox lets the recorded page run its scripts and forms on its own origin, and
 * nothing else: no top-level navigation (`top.location`, `target=_top`), no popups (`window.open`), no
 * downloads, no modals. The console's CSP `frame-src` (replay origins only) stops the frame navigating itself
 * to the live site; the egress guard inside the replay cancels such navigations before they connect.
 */
function ReplayFrameElement(props: { frame: ReplayFrame; full?: boolean }) {
  const { frame } = props;
  return (
    <iframe
      class={props.full ? "replay full" : "replay"}
      src={frame.replayUrl}
      title={`Replay of ${frame.exchange.url}`}
      sandbox="allow-scripts allow-forms allow-same-origin"
      referrerpolicy="no-referrer"
    ></iframe>
  );
}
