import { DEVICES } from "../../read/session-search.ts";
import { LAST_SEEN_TOLERANCE } from "../model/last-seen.ts";
import type { SessionRow } from "../../record/rows.ts";
import { deviceLabel } from "../../read/model/device-label.ts";
import { searchHref, type SearchForm } from "../model/search-form.ts";
import { epochFromWallClock, zoneChoices, type Zone } from "../../read/model/time-zone.ts";
import { Layout, Notice } from "./layout.tsx";
import { Time } from "./time.tsx";

export type SearchResults = {
  sessions: SessionRow[];
  nextCursor: string | null;
  customerToken: string | null;
};

/** Search form (works as a plain POST → redirect → GET without scripts) and the matching sessions. */
export function SearchPage(props: {
  form: SearchForm;
  zone: Zone;
  message: string | null;
  results: SearchResults | null;
}) {
  const { form, zone, results } = props;
  return (
    <Layout title="Search sessions" zone={zone}>
      <h1>Find a customer's session</h1>
      <p class="sub">
        Search by what the customer tells you. Their identifier is hashed with the recorder's key before it is
        compared, and never stored or logged.
      </p>
      {props.message ? <Notice kind="error">{props.message}</Notice> : null}
      <div class="card">
        <SearchFields form={form} zone={zone} />
      </div>
      {results ? <Results form={form} zone={zone} results={results} /> : null}
    </Layout>
  );
}

function SearchFields(props: { form: SearchForm; zone: Zone }) {
  const { form, zone } = props;
  const choices = zoneChoices();
  return (
    <form class="search" method="post" action="/__verbatim/search">
      <div class="wide">
        <label for="customer">Customer identifier (username, email)</label>
        <input
          id="customer"
          name="customer"
          type="search"
          autocomplete="off"
          placeholder="alice@example.com"
          value={form.customer}
        />
        {form.customer_token ? (
          <>
            <input type="hidden" name="customer_token" value={form.customer_token} />
            <span class="muted small">Searching one customer (identifier kept only as its hash). </span>
          </>
        ) : null}
      </div>
      <Field name="session" label="Session id" value={form.session} placeholder="32 hex digits" />
      <Field name="cookie" label="Cookie (name=value)" value={form.cookie} placeholder="shop.sid=…" />
      <div class="wide">
        <Field name="url" label="URL contains" value={form.url} placeholder="/checkout" />
      </div>
      <WallClock name="from" label="From" value={form.from} />
      <WallClock name="to" label="To" value={form.to} />
      <div class="wide">
        <label for="tz">Time zone (for From/To and all times shown)</label>
        <select id="tz" name="tz">
          {choices.includes(zone.id) ? null : <option value={zone.id}>{zone.id}</option>}
          {choices.map((id) => (
            <option value={id} selected={id === zone.id}>
              {id}
            </option>
          ))}
        </select>
        <button class="link small" type="button" data-local-zone="tz" hidden>
          Use my zone
        </button>
      </div>
      <div>
        <label for="device">Device</label>
        <select id="device" name="device">
          <option value="">any</option>
          {DEVICES.map((d) => (
            <option value={d} selected={form.device === d}>
              {d}
            </option>
          ))}
        </select>
      </div>
      <Field name="ua" label="Browser (user agent contains)" value={form.ua} placeholder="Firefox" />
      <div>
        <label class="check">
          <input
            type="checkbox"
            name="errors"
            value="true"
            checked={form.errors === "true" || form.errors === "on"}
          />
          Only sessions with errors
        </label>
      </div>
      <div class="actions">
        <button class="primary" type="submit">
          Search
        </button>
        <a href="/__verbatim/">Clear</a>
      </div>
    </form>
  );
}

function Field(props: { name: string; label: string; value: string; placeholder: string }) {
  return (
    <div>
      <label for={props.name}>{props.label}</label>
      <input id={props.name} name={props.name} value={props.value} placeholder={props.placeholder} />
    </div>
  );
}

/** datetime-local when the value is a wall-clock time (or empty); other values stay editable as text. */
function WallClock(props: { name: string; label: string; value: string }) {
  const wall =
    props.value === "" || epochFromWallClock(props.value, { id: "UTC", fixedOffsetMinutes: 0 }) !== null;
  return (
    <div>
      <label for={props.name}>{props.label}</label>
      <input
        id={props.name}
        name={props.name}
        type={wall ? "datetime-local" : "text"}
        step="1"
        value={props.value.replace(" ", "T")}
      />
    </div>
  );
}

function Results(props: { form: SearchForm; zone: Zone; results: SearchResults }) {
  const { form, zone, results } = props;
  return (
    <>
      <h2>
        {results.sessions.length === 0
          ? "No sessions match"
          : `${results.sessions.length}${results.nextCursor ? "+" : ""} session${results.sessions.length === 1 ? "" : "s"}`}
      </h2>
      {results.customerToken && results.sessions.length > 0 ? (
        <p>
          <a href={`/__verbatim/customers?customer_token=${encodeURIComponent(results.customerToken)}`}>
            Show all of this customer's sessions as one timeline →
          </a>
        </p>
      ) : null}
      {results.sessions.length > 0 ? (
        <table>
          <thead>
            <tr>
              <th>Session</th>
              <th>First seen</th>
              <th title="Stored once a minute per session: up to a minute early. The session page shows the exact time.">
                Last seen ({LAST_SEEN_TOLERANCE})
              </th>
              <th class="num">Page views</th>
              <th class="num">Exchanges</th>
              <th class="num">Errors</th>
              <th>Device</th>
              <th>Country</th>
            </tr>
          </thead>
          <tbody>
            {results.sessions.map((s) => (
              <tr class={s.error_count > 0 ? "failed" : ""}>
                <td class="mono">
                  <a href={`/__verbatim/sessions/${s.id}`} title={s.id}>
                    {s.id.slice(0, 12)}…
                  </a>
                  <div class="muted small">{s.host}</div>
                </td>
                <td>
                  <Time at={s.first_seen} zone={zone} stacked />
                </td>
                <td>
                  <Time at={s.last_seen} zone={zone} stacked />
                </td>
                <td class="num">{s.page_view_count}</td>
                <td class="num">{s.exchange_count}</td>
                <td class="num">
                  <span class={`badge ${s.error_count > 0 ? "bad" : ""}`}>{s.error_count}</span>
                </td>
                <td>{deviceLabel(s.user_agent, s.device)}</td>
                <td>{s.country ?? "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <div class="pager">
        {form.cursor ? <a href={searchHref(form, { cursor: "" })}>← First page</a> : <span />}
        {results.nextCursor ? (
          <a href={searchHref(form, { cursor: results.nextCursor })}>Next page →</a>
        ) : null}
      </div>
    </>
  );
}
