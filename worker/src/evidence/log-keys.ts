import { hmac } from "@noble/hashes/hmac.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { utf8ToBytes } from "@noble/hashes/utils.js";
import { isLoopbackHost } from "../config/sites.ts";
import { VerbatimError } from "../errors/verbatim-error.ts";
import { parseSignerKey, signerKeyFromSeed, verifierKeyOf, type Signer } from "./note-keys.ts";

/** What the log's key needs from the Worker's vars and secrets. */
export type LogKeyEnv = { LOG_SIGNING_KEY?: string; VERBATIM_SECRET?: string; CONSOLE_HOST?: string };

/** The log's name (and its key's) in local dev; in production it is the name in LOG_SIGNING_KEY. */
export const DEV_LOG_NAME = "verbatim.localhost/log";

const cache = new Map<string, Promise<Signer>>();

/**
 * The key that signs tree heads. Production: LOG_SIGNING_KEY, a note signer key (`npm run keys`), whose
 * name is the log's origin line. Local dev (the console on a loopback name): a key derived from
 * VERBATIM_SECRET, so `npm start` signs with zero configuration and its heads still verify after a
 * restart. Anywhere else without the secret, signing is refused: a head signed by a guessable key proves
 * nothing.
 */
export function logSigner(env: LogKeyEnv): Promise<Signer> {
  const configured = env.LOG_SIGNING_KEY?.trim() ?? "";
  const consoleHost = env.CONSOLE_HOST ?? "console.localhost";
  let material: string;
  if (configured !== "") material = `key:${configured}`;
  else if (isLoopbackHost(consoleHost) && (env.VERBATIM_SECRET ?? "") !== "")
    material = `dev:${env.VERBATIM_SECRET ?? ""}`;
  else
    return Promise.reject(
      new VerbatimError(
        "not_configured",
        "LOG_SIGNING_KEY is not set: tree heads cannot be signed (create one with `npm run keys`)",
      ),
    );
  let signer = cache.get(material);
  if (!signer) {
    signer =
      configured !== ""
        ? parseSignerKey(configured)
        : signerKeyFromSeed(DEV_LOG_NAME, devSeed(env.VERBATIM_SECRET ?? "", "log")).then(parseSignerKey);
    signer.catch(() => cache.delete(material));
    cache.set(material, signer);
  }
  return signer;
}

/** The published verifier key of the log (`<name>+<id>+<key>`). */
export async function logVerifierKey(env: LogKeyEnv): Promise<string> {
  return verifierKeyOf(await logSigner(env));
}

/** A dev-only seed for one purpose, derived from the Worker's secret (never used when a key is configured). */
export function devSeed(secret: string, purpose: string): Uint8Array {
  return hmac(sha256, utf8ToBytes(secret), utf8ToBytes(`verbatim dev signing key: ${purpose}`));
}
