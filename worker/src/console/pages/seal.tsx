import type { Seal } from "../../read/load-seal.ts";
import type { Zone } from "../../read/model/time-zone.ts";
import { Time } from "./time.tsx";
import { ForRole } from "./viewer.tsx";

/** Short labels for the replay banner, and the class that colours them (the integrity cell's classes). */
const SEAL_LABELS: Readonly<Record<Seal["status"], { label: string; tone: "verified" | "mismatch" | "" }>> = {
  included: { label: "sealed, proof checks", tone: "verified" },
  pending: { label: "not yet under a signed head", tone: "" },
  not_in_log: { label: "not in the log", tone: "mismatch" },
  altered: { label: "altered since sealed", tone: "mismatch" },
  proof_failed: { label: "proof fails", tone: "mismatch" },
  bad_head: { label: "signed head does not verify", tone: "mismatch" },
  unavailable: { label: "cannot be checked here", tone: "" },
};

const BADGE: Readonly<Record<"verified" | "mismatch" | "", string>> = {
  verified: "ok",
  mismatch: "bad",
  "": "warn",
};

export function SealLabel(props: { seal: Seal }) {
  const { label, tone } = SEAL_LABELS[props.seal.status];
  return <span class={`integrity ${tone}`}>{label}</span>;
}

/** The log's verdict in a sentence: where the record sits and which signed head the proof was checked against. */
export function SealLine(props: { seal: Seal; zone: Zone }) {
  const { seal, zone } = props;
  const { label, tone } = SEAL_LABELS[seal.status];
  return (
    <p>
      <span class={`badge ${BADGE[tone]}`}>{label}</span>{" "}
      {seal.status === "included" ? (
        <>
          Sealed in the evidence log: leaf {seal.leaf} of {seal.head.size}, proof checked against the signed
          head of <Time at={seal.head.at} zone={zone} />.
        </>
      ) : (
        <>Evidence log: {seal.detail}.</>
      )}{" "}
      <ForRole role="compliance">
        <a href="/__verbatim/evidence">Evidence log →</a>
      </ForRole>
    </p>
  );
}
