import type { SeedCall } from "./seed-stats.ts";
import { sessionPlan } from "./site-model.ts";

/**
 * A day of exactly `exchanges` exchanges as seeding calls of `perCall` sessions each, and what the day holds,
 * counted from the plan (the same pure plan the seeding Worker writes, cut at the same exchange).
 */
export type DayFacts = {
  sessions: number;
  pageViews: number;
  exchanges: number;
  /** Bodies the exchanges carry, and their decoded bytes, each time an exchange carries one. */
  bodies: number;
  bodyBytes: number;
  /** Distinct bodies of the day (a visitor's own are all distinct; shared assets once each). */
  uniqueBodies: number;
  uniqueBytes: number;
};

/** A seeded day: its facts and the chunks the seeding wrote for it. */
export type SeededDay = DayFacts & { chunks: number };

export function planDay(
  day: string,
  exchanges: number,
  perCall: number,
): { calls: SeedCall[]; facts: DayFacts } {
  const facts: DayFacts = {
    sessions: 0,
    pageViews: 0,
    exchanges: 0,
    bodies: 0,
    bodyBytes: 0,
    uniqueBodies: 0,
    uniqueBytes: 0,
  };
  const assets = new Set<string>();
  const calls: SeedCall[] = [];
  for (let k = 0; facts.exchanges < exchanges; k++) {
    if (k % perCall === 0)
      calls.push({ day, from: k, sessions: 0, maxExchanges: exchanges - facts.exchanges });
    const call = calls[calls.length - 1];
    if (call) call.sessions++;
    facts.sessions++;
    for (const view of sessionPlan(day, k).pageViews) {
      const kept = view.slice(0, exchanges - facts.exchanges);
      if (kept.length === 0) break;
      facts.pageViews++;
      facts.exchanges += kept.length;
      for (const exchange of kept)
        for (const body of [exchange.requestBody, exchange.responseBody]) {
          if (!body) continue;
          facts.bodies++;
          facts.bodyBytes += body.size;
          if (body.kind === "asset" && assets.has(body.key)) continue;
          if (body.kind === "asset") assets.add(body.key);
          facts.uniqueBodies++;
          facts.uniqueBytes += body.size;
        }
    }
  }
  return { calls, facts };
}
