import { formatInZone, offsetLabel, offsetMinutesAt, type Zone } from "../../read/model/time-zone.ts";

/** A moment in the viewer's zone, with UTC beside it (or only UTC when that is the zone). */
export function Time(props: { at: number; zone: Zone; stacked?: boolean }) {
  const iso = new Date(props.at).toISOString();
  const utc = `${formatInZone(props.at, { id: "UTC", fixedOffsetMinutes: 0 })} UTC`;
  if (props.zone.id === "UTC") return <time datetime={iso}>{utc}</time>;
  const local = `${formatInZone(props.at, props.zone)} ${offsetLabel(offsetMinutesAt(props.zone, props.at))}`;
  return (
    <time datetime={iso} title={utc}>
      {local}
      {props.stacked ? <br /> : " · "}
      <span class="muted small">{utc}</span>
    </time>
  );
}

export function Status(props: { status: number; error: string | null }) {
  const bad = props.status >= 400 || props.error !== null;
  return (
    <span class={`badge ${bad ? "bad" : props.status >= 300 ? "warn" : "ok"}`}>
      {props.error ? `${props.status} ${props.error}` : String(props.status)}
    </span>
  );
}
