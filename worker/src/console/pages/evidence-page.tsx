import type { TreeHead } from "../../evidence/evidence-log.ts";
import type { Zone } from "../../read/model/time-zone.ts";
import { Layout, Notice } from "./layout.tsx";
import { Time } from "./time.tsx";

/**
 * The evidence log for compliance: how many exchanges it seals, its recent signed tree heads (the C2SP
 * checkpoint text, as transparency-log tools read it), the key that checks them, and a button to sign a
 * head now rather than wait for the hourly one.
 */
export function EvidencePage(props: {
  size: number;
  heads: readonly TreeHead[];
  /** The published verifier key, or why there is none (no LOG_SIGNING_KEY outside local dev). */
  key: { ok: true; key: string } | { ok: false; message: string };
  /** The size of the head just signed by this viewer's button, or null. */
  signed: number | null;
  zone: Zone;
}) {
  const { size, heads, key, zone } = props;
  const latest = heads[0];
  return (
    <Layout title="Evidence log" zone={zone}>
      <h1>Evidence log</h1>
      <p class="sub">
        Every recorded exchange is a leaf of an append-only Merkle tree (RFC 9162). A signed tree head is
        issued every hour when the log grew, and before every export; an exchange is proved sealed by its
        inclusion proof against one.
      </p>
      {props.signed !== null ? (
        <Notice kind="info">Signed: the latest head covers {props.signed} leaves.</Notice>
      ) : null}
      {key.ok ? null : <Notice kind="error">{key.message}</Notice>}
      <div class="facts">
        <div>
          <b>Leaves in the log</b>
          {size}
        </div>
        <div>
          <b>Latest signed head</b>
          {latest ? `${latest.size} leaves` : "none yet"}
        </div>
        <div>
          <b>Signed at</b>
          {latest ? <Time at={latest.at} zone={zone} stacked /> : "—"}
        </div>
        <div>
          <b>Not yet under a head</b>
          {size - (latest?.size ?? 0)}
        </div>
      </div>
      <form method="post" action="/__verbatim/evidence/heads" class="actions">
        <button class="primary" type="submit" disabled={!key.ok}>
          Sign a head now
        </button>
        <span class="muted small">Signs only when the log grew since the latest head.</span>
      </form>
      <h2>Published log key</h2>
      {key.ok ? <pre class="note">{key.key}</pre> : <p class="muted">None.</p>}
      <p class="small">
        Also at <a href="/__verbatim/api/evidence/keys">/__verbatim/api/evidence/keys</a> (public) and in
        every export as <span class="mono">evidence/log-key.txt</span>. Pin it when verifying:{" "}
        <span class="mono">npm run verify -- file.wacz --log-key &lt;key&gt;</span>.
      </p>
      <h2>Recent signed heads</h2>
      {heads.length === 0 ? (
        <Notice kind="info">No tree head has been signed yet.</Notice>
      ) : (
        <table>
          <thead>
            <tr>
              <th class="num">Leaves</th>
              <th>Signed at</th>
              <th>Checkpoint (C2SP signed note)</th>
            </tr>
          </thead>
          <tbody>
            {heads.map((head) => (
              <tr>
                <td class="num">{head.size}</td>
                <td>
                  <Time at={head.at} zone={zone} stacked />
                </td>
                <td>
                  <pre class="note">{head.note}</pre>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Layout>
  );
}
