import { readStores } from "../../store/record-reader.ts";
import type { Context, Hono } from "hono";
import { encodeCursor } from "../../read/query.ts";
import { parseSessionSearch } from "../../read/session-search.ts";
import { VerbatimError } from "../../errors/verbatim-error.ts";
import { ArchiveReader } from "../../store/archive-reader.ts";
import { CONSOLE_ROOT, isSameOrigin, requireConsole } from "../auth/console-auth.ts";
import type { ConsoleEnv } from "../console-env.ts";
import { readSearchForm, searchHref, toSessionQuery, type SearchForm } from "../model/search-form.ts";
import { UTC, type Zone } from "../model/time-zone.ts";
import { ErrorPage } from "../pages/login-page.tsx";
import { SearchPage, type SearchResults } from "../pages/search-page.tsx";
import { viewerZone } from "./viewer-zone.ts";

const PAGE_SIZE = 25;

/**
 * GET /__verbatim/ runs a search (no criteria: the newest sessions). The form POSTs to /__verbatim/search,
 * which swaps the customer's identifier for its keyed hash and redirects to the GET, so the identifier never
 * appears in a URL, the browser's history or an access log.
 */
export function searchRoutes(app: Hono<ConsoleEnv>): void {
  app.get(CONSOLE_ROOT, requireConsole, async (c) => {
    const form = readSearchForm(c.req.query());
    const outcome = await search(c, form);
    if ("message" in outcome) return c.html(page(outcome.form, outcome.zone, outcome.message, null), 400);
    return c.html(page(outcome.form, outcome.zone, null, outcome.results));
  });

  app.post(`${CONSOLE_ROOT}search`, requireConsole, async (c) => {
    if (!isSameOrigin(c))
      return c.html(
        ErrorPage({ title: "Request refused", message: "Cross-site form refused.", status: 403 }),
        403,
      );
    const form = readSearchForm(await c.req.parseBody());
    const outcome = await search(c, { ...form, cursor: "" });
    if ("message" in outcome) return c.html(page(outcome.form, outcome.zone, outcome.message, null), 400);
    const token = outcome.results.customerToken ?? "";
    return c.redirect(searchHref({ ...outcome.form, customer: "", customer_token: token, cursor: "" }), 303);
  });
}

type Outcome =
  | { form: SearchForm; zone: Zone; results: SearchResults }
  | { form: SearchForm; zone: Zone; message: string };

async function search(c: Context<ConsoleEnv>, form: SearchForm): Promise<Outcome> {
  let zone = UTC;
  try {
    zone = viewerZone(c, form.tz);
    const { filter, limit } = await parseSessionSearch(
      toSessionQuery(form, zone),
      c.get("settings").secret,
      Date.now(),
      PAGE_SIZE,
    );
    const rows = await new ArchiveReader(readStores(c.env)).listSessions(filter);
    const sessions = rows.slice(0, limit);
    const last = sessions.at(-1);
    return {
      form: { ...form, tz: zone.id },
      zone,
      results: {
        sessions,
        nextCursor: rows.length > limit && last ? encodeCursor([last.last_seen, last.id]) : null,
        customerToken: filter.customerToken,
      },
    };
  } catch (error) {
    // Bad input re-renders the form with the parser's message, which names the field and the rule.
    if (error instanceof VerbatimError && error.code === "bad_query")
      return { form, zone, message: error.message };
    throw error;
  }
}

function page(form: SearchForm, zone: Zone, message: string | null, results: SearchResults | null) {
  return SearchPage({ form, zone, message, results });
}
