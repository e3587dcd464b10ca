import type { CoverLevel } from "./pricing.ts";
import type { ProductSlug } from "./products.ts";

/**
 * The multi-step application as kept between steps. Only the SSN's last four digits are stored: the full
 * number is used once (on step 1) and never written anywhere, which is what a real site's tokenisation does.
 */
export type ApplicationDraft = {
  product: ProductSlug;
  fullName: string;
  dateOfBirth: string;
  zip: string;
  ssnLast4: string;
  cover: CoverLevel | undefined;
  startDate: string | undefined;
  proof: { name: string; size: number } | undefined;
  number: string | undefined;
  submitted: boolean;
};

/**
 * "APP-2026-000123": letters, a year and six digits, so no card-number detector (PANs are 12-19 contiguous
 * digits, ISO/IEC 7812-1) should ever mistake it for one.
 */
export function applicationNumber(year: number, sequence: number): string {
  return `APP-${year}-${String(sequence).padStart(6, "0")}`;
}

/** "ORD-20260045": eight digits at most for the demo's lifetime, again well short of a PAN. */
export function orderNumber(year: number, sequence: number): string {
  return `ORD-${year}${String(sequence).padStart(4, "0")}`;
}

export const SSN_PATTERN = /^(\d{3})-?(\d{2})-?(\d{4})$/;
export const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;
