/**
 * RETENTION parsed: how long sessions are kept, per site. Pure, so the config check reports a bad value; the
 * job that enforces it is worker/src/retention/.
 *
 *   RETENTION = "7y"                                   every site seven years
 *   RETENTION = "shop.example.com=7y; *.example.org=90d; *=400d"
 *
 * Entries are separated by ";" (or ","). `host=period` names one host (the port is ignored), `*.domain` every
 * subdomain of a domain, and `*=period` or a bare period the default. A period is whole days (`400d`), whole
 * calendar years (`7y`: the same date N years back, so leap days count), or `forever`. Without a default,
 * the default is seven years (SEC 17a-4(b)(4) and most record-keeping rules ask for up to six).
 */
export type RetentionPeriod =
  | { readonly unit: "d"; readonly count: number }
  | { readonly unit: "y"; readonly count: number }
  | { readonly unit: "forever" };

/** One entry: the host pattern as written ("*" for the default) and its period, with their text. */
export type RetentionRule = {
  readonly host: string;
  readonly period: RetentionPeriod;
  readonly text: string;
};

export type RetentionPolicy = {
  /** Exact hosts and `*.domain` patterns, in the order written. */
  readonly rules: readonly RetentionRule[];
  readonly fallback: RetentionRule;
};

const DAY_MS = 86_400_000;
const PERIOD = /^(\d{1,5})([dy])$/;
const HOST = /^(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)*$/;
const DEFAULT_RULE: RetentionRule = { host: "*", period: { unit: "y", count: 7 }, text: "7y" };

export const DEFAULT_RETENTION: RetentionPolicy = { rules: [], fallback: DEFAULT_RULE };

function parsePeriod(text: string): RetentionPeriod | null {
  if (text === "forever") return { unit: "forever" };
  const match = PERIOD.exec(text);
  const count = Number(match?.[1]);
  const unit = match?.[2];
  if (!match || !Number.isInteger(count) || count < 1) return null;
  if (unit === "y") return count <= 100 ? { unit: "y", count } : null;
  return count <= 36_500 ? { unit: "d", count } : null;
}

export function parseRetention(
  spec: string | undefined,
): { ok: true; policy: RetentionPolicy } | { ok: false; error: string } {
  const entries = (spec ?? "7y")
    .split(/[;,]/)
    .map((e) => e.trim().toLowerCase())
    .filter((e) => e !== "");
  const rules: RetentionRule[] = [];
  let fallback: RetentionRule | null = null;
  const fail = (why: string) => ({ ok: false as const, error: `RETENTION: ${why}` });
  for (const entry of entries) {
    const eq = entry.indexOf("=");
    const host = eq < 0 ? "*" : entry.slice(0, eq).trim();
    const periodText = (eq < 0 ? entry : entry.slice(eq + 1)).trim();
    const period = parsePeriod(periodText);
    if (period === null)
      return fail(
        `"${entry}": a period is whole days (400d), whole years (7y) or "forever", at least one day and at most 100 years`,
      );
    const rule = { host, period, text: periodText };
    if (host === "*") {
      if (fallback !== null) return fail(`the default is given twice ("${fallback.text}" and "${entry}")`);
      fallback = rule;
      continue;
    }
    if (!HOST.test(host))
      return fail(`"${host}" is not a host name or a *.domain pattern (as in shop.example.com=7y)`);
    if (rules.some((r) => r.host === host)) return fail(`"${host}" is given twice`);
    rules.push(rule);
  }
  return { ok: true, policy: { rules, fallback: fallback ?? DEFAULT_RULE } };
}

/** The rule that governs a session's host (as session_log keeps it, with any port): exact, longest suffix, default. */
export function ruleFor(policy: RetentionPolicy, host: string): RetentionRule {
  const name = host.toLowerCase().replace(/:\d+$/, "");
  const exact = policy.rules.find((r) => r.host === name);
  if (exact) return exact;
  let best: RetentionRule | null = null;
  for (const rule of policy.rules)
    if (rule.host.startsWith("*.") && name.endsWith(rule.host.slice(1)))
      if (best === null || rule.host.length > best.host.length) best = rule;
  return best ?? policy.fallback;
}

/** Records last active before this moment have expired under `period`; null when nothing expires. */
export function cutoffOf(period: RetentionPeriod, now: number): number | null {
  if (period.unit === "forever") return null;
  if (period.unit === "d") return now - period.count * DAY_MS;
  const date = new Date(now);
  date.setUTCFullYear(date.getUTCFullYear() - period.count);
  return date.getTime();
}

/** The cutoff for a host at `now` (null: kept forever). */
export function cutoffFor(policy: RetentionPolicy, host: string, now: number): number | null {
  return cutoffOf(ruleFor(policy, host).period, now);
}

/** Every rule, the default last. */
export function allRules(policy: RetentionPolicy): readonly RetentionRule[] {
  return [...policy.rules, policy.fallback];
}

/**
 * The earliest cutoff of any rule: what a reference by an unknown host must be weighed against (the longest
 * period in force). Null when some rule keeps forever.
 */
export function earliestCutoff(policy: RetentionPolicy, now: number): number | null {
  let earliest = Infinity;
  for (const rule of allRules(policy)) {
    const cutoff = cutoffOf(rule.period, now);
    if (cutoff === null) return null;
    earliest = Math.min(earliest, cutoff);
  }
  return earliest;
}
