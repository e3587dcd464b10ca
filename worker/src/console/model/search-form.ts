import { epochFromWallClock, type Zone } from "../../read/model/time-zone.ts";

/**
 * The console's search form. Its fields are the read API's query parameters (parsed by the same code, so
 * both refuse the same input with the same message), except that `from`/`to` are wall-clock times in the
 * chosen zone, as a datetime-local input sends them, and become epoch milliseconds here.
 */
export const SEARCH_FIELDS = [
  "customer",
  "customer_token",
  "session",
  "cookie",
  "url",
  "from",
  "to",
  "tz",
  "errors",
  "device",
  "ua",
  "limit",
  "cursor",
] as const;

export type SearchField = (typeof SEARCH_FIELDS)[number];
export type SearchForm = Record<SearchField, string>;

export function readSearchForm(input: Readonly<Record<string, unknown>>): SearchForm {
  const form = {} as SearchForm;
  for (const name of SEARCH_FIELDS) {
    const value = input[name];
    form[name] = typeof value === "string" ? value.trim() : "";
  }
  return form;
}

export function isEmptySearch(form: SearchForm): boolean {
  return SEARCH_FIELDS.every(
    (name) => name === "tz" || name === "cursor" || name === "limit" || form[name] === "",
  );
}

/** The query the shared session search parses: empty fields dropped, wall-clock times resolved in `zone`. */
export function toSessionQuery(form: SearchForm, zone: Zone): Record<string, string> {
  const query: Record<string, string> = {};
  for (const name of SEARCH_FIELDS) {
    const value = form[name];
    if (value === "" || name === "tz") continue;
    if (name === "from" || name === "to") {
      const epoch = epochFromWallClock(value, zone);
      // Anything else (epoch ms, ISO with its own zone, a typo) goes through unchanged, to be parsed or refused.
      query[name] = epoch === null ? value : String(epoch);
    } else if (name === "errors") {
      query[name] = value === "on" ? "true" : value;
    } else {
      query[name] = value;
    }
  }
  return query;
}

/** A GET URL of the search page for this form, never carrying the customer's identifier (only its token). */
export function searchHref(form: SearchForm, changes: Partial<SearchForm> = {}): string {
  const merged = { ...form, ...changes };
  const params = new URLSearchParams();
  for (const name of SEARCH_FIELDS) {
    if (name !== "customer" && merged[name] !== "") params.set(name, merged[name]);
  }
  const query = params.toString();
  return query === "" ? "/__verbatim/" : `/__verbatim/?${query}`;
}
