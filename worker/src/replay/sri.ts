import { bytesToBinary } from "../util/binary-string.ts";

/**
 * Subresource Integrity metadata (W3C SRI §3.1, §3.3): an `integrity` attribute is a white-space separated
 * list of `<alg>-<base64 digest>[?<options>]`. Only the strongest algorithm present counts (§3.3.3), and
 * any one digest of it that matches the bytes passes (§3.3.5). Unknown algorithms are ignored, so a value
 * with none known checks nothing.
 */
export const SRI_ALGORITHMS = {
  sha256: { rank: 1, webCrypto: "SHA-256" },
  sha384: { rank: 2, webCrypto: "SHA-384" },
  sha512: { rank: 3, webCrypto: "SHA-512" },
} as const;

export type SriAlgorithm = keyof typeof SRI_ALGORITHMS;

export type IntegrityMetadata = { algorithm: SriAlgorithm; digest: string };

const ASCII_SPACE = /[\t\n\f\r ]+/;

function isAlgorithm(name: string): name is SriAlgorithm {
  return Object.hasOwn(SRI_ALGORITHMS, name);
}

/** The metadata of an `integrity` value with a known algorithm, in order; options are dropped (§3.3.2). */
export function parseIntegrity(value: string): IntegrityMetadata[] {
  const parsed: IntegrityMetadata[] = [];
  for (const token of value.split(ASCII_SPACE)) {
    const [expression = ""] = token.split("?");
    const dash = expression.indexOf("-");
    if (dash < 0) continue;
    // §3.3.2: algorithm tokens match ASCII case-insensitively.
    const algorithm = expression.slice(0, dash).toLowerCase();
    if (isAlgorithm(algorithm)) parsed.push({ algorithm, digest: expression.slice(dash + 1) });
  }
  return parsed;
}

/** The metadata of the strongest algorithm present (§3.3.3); empty when none is known. */
export function strongestMetadata(metadata: readonly IntegrityMetadata[]): IntegrityMetadata[] {
  const top = Math.max(0, ...metadata.map((m) => SRI_ALGORITHMS[m.algorithm].rank));
  return metadata.filter((m) => SRI_ALGORITHMS[m.algorithm].rank === top);
}

/**
 * Digests compare as base64 text (§3.3.5). Browsers differ on base64url and missing padding, so both are
 * read as base64 here: treating such a value as matching keeps the attribute, and the browser then judges
 * the same bytes as it judged the live ones.
 */
function canonicalBase64(digest: string): string {
  return digest.replace(/-/g, "+").replace(/_/g, "/").replace(/=+$/, "");
}

/** Whether a browser would accept `bytes` for an element with this `integrity` value (§3.3.5). */
export async function integrityMatches(bytes: Uint8Array, value: string): Promise<boolean> {
  const strongest = strongestMetadata(parseIntegrity(value));
  const [first] = strongest;
  if (!first) return true;
  const digest = await crypto.subtle.digest(SRI_ALGORITHMS[first.algorithm].webCrypto, bytes);
  const actual = canonicalBase64(btoa(bytesToBinary(new Uint8Array(digest))));
  return strongest.some((m) => canonicalBase64(m.digest) === actual);
}
