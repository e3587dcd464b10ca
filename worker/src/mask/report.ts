/** What masking did to one exchange: which rule fired where, and how often. Stored with the exchange. */
export type MaskFinding = { rule: string; location: string; count: number };

/**
 * Carries one exchange's masking: the key for `hash` tokens (null: hash falls back to redact, failing
 * closed) and what the maskers found, including the customer tokens that link sessions to a customer.
 */
export class MaskReport {
  readonly #findings = new Map<string, MaskFinding>();
  readonly secret: string | null;
  readonly customerTokens = new Set<string>();

  constructor(secret: string | null = null) {
    this.secret = secret;
  }

  add(rule: string, location: string, count = 1): void {
    if (count <= 0) return;
    const key = `${rule}\u0000${location}`;
    const existing = this.#findings.get(key);
    if (existing) existing.count += count;
    else this.#findings.set(key, { rule, location, count });
  }

  get findings(): MaskFinding[] {
    return [...this.#findings.values()];
  }

  get total(): number {
    let sum = 0;
    for (const finding of this.#findings.values()) sum += finding.count;
    return sum;
  }
}
