import { readStores } from "../../store/record-reader.ts";
import type { Context, Hono } from "hono";
import { encodeCursor } from "../../read/query.ts";
import { parseSessionSearch } from "../../read/session-search.ts";
import { VerbatimError } from "../../errors/verbatim-error.ts";
import { ArchiveReader } from "../../store/archive-reader.ts";
import type { AccessEnv } from "../../front/access-env.ts";
import { audit } from "../../front/audit-look.ts";
import { route } from "../../front/route-access.ts";
import { searchDetail } from "../../read/search-detail.ts";
import { CONSOLE_ROOT } from "../console-root.ts";
import { readSearchForm, searchHref, toSessionQuery, type SearchForm } from "../model/search-form.ts";
import { UTC, type Zone } from "../../read/model/time-zone.ts";
import { SearchPage, type SearchResults } from "../pages/search-page.tsx";
import { forViewer } from "../pages/viewer.tsx";
import { viewerZone } from "./viewer-zone.ts";

const PAGE_SIZE = 25;

/**
 * GET /__verbatim/ runs a search (no criteria: the newest sessions). The form POSTs to /__verbatim/search,
 * which swaps the customer's identifier for its keyed hash and redirects to the GET, so the identifier never
 * appears in a URL, the browser's history or an access log.
 */
export function searchRoutes(app: Hono<AccessEnv>): void {
  route(app, "GET", CONSOLE_ROOT, "support", async (c) => {
    const form = readSearchForm(c.req.query());
    const outcome = await search(c, form);
    const principal = c.get("principal");
    if ("message" in outcome)
      return c.html(forViewer(principal, page(outcome.form, outcome.zone, outcome.message, null)), 400);
    return c.html(forViewer(principal, page(outcome.form, outcome.zone, null, outcome.results)));
  });

  route(app, "POST", `${CONSOLE_ROOT}search`, "support", async (c) => {
    const form = readSearchForm(await c.req.parseBody());
    // Only parsed here (the GET it redirects to runs the search, and writes the one audit entry).
    const outcome = await search(c, { ...form, cursor: "" }, false);
    if ("message" in outcome)
      return c.html(
        forViewer(c.get("principal"), page(outcome.form, outcome.zone, outcome.message, null)),
        400,
      );
    const token = outcome.results.customerToken ?? "";
    return c.redirect(searchHref({ ...outcome.form, customer: "", customer_token: token, cursor: "" }), 303);
  });
}

type Outcome =
  | { form: SearchForm; zone: Zone; results: SearchResults }
  | { form: SearchForm; zone: Zone; message: string };

async function search(c: Context<AccessEnv>, form: SearchForm, run = true): Promise<Outcome> {
  let zone = UTC;
  try {
    zone = viewerZone(c, form.tz);
    const { filter, limit } = await parseSessionSearch(
      toSessionQuery(form, zone),
      c.get("config").secret,
      Date.now(),
      PAGE_SIZE,
    );
    if (run) await audit(c, "search", null, searchDetail(filter, c.get("config").secret));
    const rows = run ? await new ArchiveReader(readStores(c.env)).listSessions(filter) : [];
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
