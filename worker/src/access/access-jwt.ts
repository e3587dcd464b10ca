import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from "jose";

/**
 * Cloudflare Access puts a signed JWT on every request it lets through (`Cf-Access-Jwt-Assertion`). The header
 * alone proves nothing: anyone who reaches the Worker by another route can send one, so the signature, issuer
 * (the team domain), audience (the application's AUD tag) and lifetime are all checked before the identity
 * in it is believed (developers.cloudflare.com/cloudflare-one/identity/authorization-cookie/validating-json).
 */
export type AccessIdentity = {
  /** The signed-in person's address; null for service tokens. */
  email: string | null;
  /** Access's user id; the empty string for service tokens. */
  sub: string;
  /** IdP groups Access passed on (custom OIDC/SAML claims), as names. */
  groups: string[];
  /** A machine caller authenticated with an Access service token (`common_name`, no email). */
  serviceToken: boolean;
  /** The service token's client id (`<id>.access`), which names a machine caller; null for people. */
  commonName: string | null;
};

export type AccessSettings = { teamDomain: string; audience: string };

export const ACCESS_JWT_REASONS = [
  "expired",
  "not-yet-valid",
  "audience",
  "issuer",
  "signature",
  "algorithm",
  "unknown-key",
  "malformed",
  "claims",
  "keys-unavailable",
] as const;
export type AccessJwtReason = (typeof ACCESS_JWT_REASONS)[number];

/** Why a token was refused. Every reason but `keys-unavailable` is the caller's fault (401, not 503). */
export class AccessJwtError extends Error {
  override readonly name = "AccessJwtError";
  readonly reason: AccessJwtReason;
  constructor(reason: AccessJwtReason, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.reason = reason;
  }
}

/** Access signs with RS256 only; every other `alg` (none, HS256 keyed with the public key) is refused up front. */
const ALGORITHMS = ["RS256"];
/** Seconds of clock skew forgiven between Access's clock and this isolate's. */
const CLOCK_TOLERANCE_S = 30;

const REASON_BY_CODE: Readonly<Record<string, AccessJwtReason>> = {
  [errors.JWTExpired.code]: "expired",
  [errors.JWSSignatureVerificationFailed.code]: "signature",
  [errors.JOSEAlgNotAllowed.code]: "algorithm",
  [errors.JWKSNoMatchingKey.code]: "unknown-key",
  // Access always names its key (`kid`); a token that matches several keys of the set names none.
  [errors.JWKSMultipleMatchingKeys.code]: "unknown-key",
  [errors.JWSInvalid.code]: "malformed",
  [errors.JWTInvalid.code]: "malformed",
};

const REASON_BY_CLAIM: Readonly<Record<string, AccessJwtReason>> = {
  aud: "audience",
  iss: "issuer",
  nbf: "not-yet-valid",
};

/** Any other refusal by jose (an unknown `crit` extension, say) is a token we cannot read: malformed. */
function reasonOf(error: unknown): AccessJwtReason | null {
  if (error instanceof errors.JWTClaimValidationFailed) return REASON_BY_CLAIM[error.claim] ?? "claims";
  if (error instanceof errors.JOSEError) return REASON_BY_CODE[error.code] ?? "malformed";
  return null;
}

/**
 * Failures to obtain the key set (network, timeout, non-200, not a JWKS) are ours, not the token's: they are
 * told apart here so a Cloudflare outage is not reported as a forged token. No matching key is the token's.
 */
function keyLookup(keys: JWTVerifyGetKey): JWTVerifyGetKey {
  return async (header, token) => {
    try {
      return await keys(header, token);
    } catch (error) {
      if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys)
        throw error;
      throw new AccessJwtError("keys-unavailable", `Access signing keys unavailable: ${String(error)}`, {
        cause: error,
      });
    }
  };
}

function stringClaim(payload: JWTPayload, name: string): string | null {
  const value = payload[name];
  return typeof value === "string" && value !== "" ? value : null;
}

function stringsOf(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : [];
}

/** Access passes IdP groups as `groups`, or inside `custom` when they come from custom OIDC/SAML claims. */
function groupsOf(payload: JWTPayload): string[] {
  const custom = payload["custom"];
  const nested =
    typeof custom === "object" && custom !== null ? (custom as Record<string, unknown>)["groups"] : [];
  return [...new Set([...stringsOf(payload["groups"]), ...stringsOf(nested)])];
}

/** Verifies an Access JWT against the team's keys and returns who it names, or throws AccessJwtError. */
export async function verifyAccessJwt(
  token: string,
  settings: AccessSettings,
  keys: JWTVerifyGetKey,
  now: Date = new Date(),
): Promise<AccessIdentity> {
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, keyLookup(keys), {
      algorithms: ALGORITHMS,
      issuer: settings.teamDomain,
      audience: settings.audience,
      // jose checks `exp` only when present: a token that never expires is refused.
      requiredClaims: ["exp", "sub"],
      clockTolerance: CLOCK_TOLERANCE_S,
      currentDate: now,
    }));
  } catch (error) {
    if (error instanceof AccessJwtError) throw error;
    const reason = reasonOf(error);
    if (reason === null) throw error;
    throw new AccessJwtError(reason, `Access JWT refused (${reason}): ${String(error)}`, { cause: error });
  }

  if (typeof payload.sub !== "string") throw new AccessJwtError("claims", 'Access JWT "sub" is not a string');
  const email = stringClaim(payload, "email");
  const commonName = stringClaim(payload, "common_name");
  if (email === null && commonName === null)
    throw new AccessJwtError(
      "claims",
      "Access JWT names neither a person (email) nor a service token (common_name)",
    );
  return {
    email,
    sub: payload.sub,
    groups: groupsOf(payload),
    serviceToken: email === null,
    commonName: email === null ? commonName : null,
  };
}

/** The JWKS cache: Access publishes its keys at /cdn-cgi/access/certs and rotates them every six weeks. */
const JWKS_OPTIONS = { cacheMaxAge: 10 * 60_000, cooldownDuration: 30_000, timeoutDuration: 5_000 } as const;
const keySets = new Map<string, JWTVerifyGetKey>();

/**
 * The team's signing keys, fetched once and kept for ten minutes per isolate. A token naming a key not yet
 * seen (a rotation) refetches at most every 30 s, so junk `kid`s cannot make the Worker hammer the team domain.
 */
export function accessKeys(teamDomain: string): JWTVerifyGetKey {
  let keys = keySets.get(teamDomain);
  if (!keys) {
    keys = createRemoteJWKSet(new URL("/cdn-cgi/access/certs", teamDomain), JWKS_OPTIONS);
    keySets.set(teamDomain, keys);
  }
  return keys;
}
