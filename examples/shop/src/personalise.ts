import { formatUsd } from "./money.ts";
import type { StateCode } from "./locations.ts";

/** Greeting by UTC hour: the first row whose `before` is above the hour wins. */
const GREETINGS: readonly { before: number; text: string }[] = [
  { before: 12, text: "Good morning" },
  { before: 18, text: "Good afternoon" },
  { before: 24, text: "Good evening" },
];

export function greeting(date: Date, firstName: string | undefined): string {
  const hour = date.getUTCHours();
  const text = GREETINGS.find((row) => hour < row.before)?.text ?? "Hello";
  return firstName === undefined ? text : `${text}, ${firstName}`;
}

/** Regulatory wording each state requires next to a price (invented for the demo, but shaped like the real ones). */
const STATE_DISCLAIMERS = {
  NY: "Rates filed with the New York State Department of Financial Services. Not all discounts apply in New York.",
  CA: "California residents: premiums comply with Proposition 103. You may request a rate review at any time.",
  TX: "Texas residents: this policy is not covered by the Texas Property and Casualty Insurance Guaranty Association.",
  FL: "Florida residents: a separate hurricane deductible applies.",
  IL: "Illinois residents: premiums include the state fire marshal tax.",
  OTHER: "Cover and prices vary by state. Your final premium is confirmed at checkout.",
} as const satisfies Record<StateCode, string>;

export function stateDisclaimer(state: StateCode): string {
  return STATE_DISCLAIMERS[state];
}

/**
 * Only signed-in customers have a balance. When it would not cover the premium the site must show an
 * affordability warning instead of the usual direct-debit note.
 */
export function balanceDisclaimer(
  balanceCents: number | undefined,
  premiumCents: number,
): string | undefined {
  if (balanceCents === undefined) return undefined;
  if (balanceCents < premiumCents) {
    return (
      `Your account balance (${formatUsd(balanceCents)}) is lower than this premium. ` +
      "Consider monthly instalments: a failed payment cancels your cover."
    );
  }
  return `The premium will be debited from your account (balance ${formatUsd(balanceCents)}) on the start date.`;
}
