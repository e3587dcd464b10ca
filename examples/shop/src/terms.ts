import type { Version } from "./version.ts";

export type Terms = {
  readonly version: number;
  readonly effective: string;
  readonly clauses: readonly string[];
};

/** The T&Cs a visitor agreed to; v2 is a later revision with changed wording, which a record must prove. */
export const TERMS = {
  v1: {
    version: 7,
    effective: "2026-01-01",
    clauses: [
      "Cover starts on the start date you choose and lasts twelve months.",
      "You may cancel within 14 days for a full refund.",
      "Claims must be reported within 30 days of the incident.",
      "We may change your premium at renewal with 21 days' notice.",
    ],
  },
  v2: {
    version: 8,
    effective: "2026-07-01",
    clauses: [
      "Cover starts on the start date you choose and lasts twelve months.",
      "You may cancel within 14 days; an administration fee of $25.00 is retained.",
      "Claims must be reported within 14 days of the incident.",
      "We may change your premium at any time with 7 days' notice.",
      "Disputes are settled by binding arbitration.",
    ],
  },
} as const satisfies Record<Version, Terms>;
