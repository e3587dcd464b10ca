import { adjustCents } from "./money.ts";
import { isoDate, isWeekend } from "./dates.ts";
import { STATES } from "./locations.ts";
import type { StateCode } from "./locations.ts";
import type { ProductSlug } from "./products.ts";
import type { Version } from "./version.ts";

/** Annual premium before adjustments, in cents. v2 is the "site changed later" price list. */
const BASE_PREMIUM_CENTS = {
  v1: { "home-insurance": 84_000, "car-insurance": 112_000, "travel-insurance": 9_900 },
  v2: { "home-insurance": 92_400, "car-insurance": 126_000, "travel-insurance": 11_900 },
} as const satisfies Record<Version, Record<ProductSlug, number>>;

/** Percentage change for the state's filed rates. */
const STATE_ADJUSTMENT_PERCENT = {
  NY: 25,
  CA: 40,
  TX: -5,
  FL: 50,
  IL: 5,
  OTHER: 0,
} as const satisfies Record<StateCode, number>;

/** Individual ZIPs with a local risk loading, so two visitors in one state can still see different prices. */
const ZIP_RISK: Readonly<Record<string, { label: string; percent: number }>> = {
  "10001": { label: "Dense urban area", percent: 3 },
  "94105": { label: "Seismic zone", percent: 8 },
  "33101": { label: "Hurricane zone", percent: 12 },
};

/** Time-limited offers, evaluated against the request time in UTC. */
const OFFERS: readonly { label: string; percent: number; applies: (date: Date) => boolean }[] = [
  { label: "Morning offer (before 12:00 UTC)", percent: -10, applies: (date) => date.getUTCHours() < 12 },
  { label: "Weekend discount", percent: -5, applies: isWeekend },
];

/** Multiplier for the cover level chosen on the application form. */
export const COVER_LEVELS = {
  basic: { label: "Basic", percent: -20 },
  standard: { label: "Standard", percent: 0 },
  premium: { label: "Premium", percent: 35 },
} as const;

export type CoverLevel = keyof typeof COVER_LEVELS;

export function isCoverLevel(value: string): value is CoverLevel {
  return Object.hasOwn(COVER_LEVELS, value);
}

export type Adjustment = { readonly label: string; readonly percent: number };

export type Quote = {
  readonly product: ProductSlug;
  readonly state: StateCode;
  readonly zip: string;
  readonly baseCents: number;
  readonly adjustments: readonly Adjustment[];
  readonly premiumCents: number;
  /** The offer is only good for the day it was shown. */
  readonly validUntil: string;
};

export type QuoteInput = {
  readonly product: ProductSlug;
  readonly zip: string;
  readonly state: StateCode;
  readonly date: Date;
  readonly version: Version;
};

/** The annual premium a visitor is offered: base price, then state, ZIP and time adjustments in that order. */
export function quote(input: QuoteInput): Quote {
  const stateName = STATES[input.state];
  const adjustments: Adjustment[] = [];
  const statePercent = STATE_ADJUSTMENT_PERCENT[input.state];
  if (statePercent !== 0) adjustments.push({ label: `${stateName} rate`, percent: statePercent });
  const zipRisk = ZIP_RISK[input.zip];
  if (zipRisk !== undefined) adjustments.push(zipRisk);
  for (const offer of OFFERS) {
    if (offer.applies(input.date)) adjustments.push({ label: offer.label, percent: offer.percent });
  }

  const baseCents: number = BASE_PREMIUM_CENTS[input.version][input.product];
  const premiumCents = adjustments.reduce<number>(
    (cents, adjustment) => adjustCents(cents, adjustment.percent),
    baseCents,
  );
  return {
    product: input.product,
    state: input.state,
    zip: input.zip,
    baseCents,
    adjustments,
    premiumCents,
    validUntil: isoDate(input.date),
  };
}

export function coverPremiumCents(premiumCents: number, cover: CoverLevel): number {
  return adjustCents(premiumCents, COVER_LEVELS[cover].percent);
}
