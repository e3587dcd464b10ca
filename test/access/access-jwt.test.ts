import { env } from "cloudflare:test";
import {
  base64url,
  CompactSign,
  createLocalJWKSet,
  exportJWK,
  exportSPKI,
  generateKeyPair,
  SignJWT,
  type JWK,
  type JWTPayload,
  type JWTVerifyGetKey,
} from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import {
  AccessJwtError,
  accessKeys,
  verifyAccessJwt,
  type AccessIdentity,
  type AccessJwtReason,
} from "../../worker/src/access/access-jwt.ts";

const TEAM = "https://verbatim-test.cloudflareaccess.com";
const AUD = "32eafc7626e974616deaf0dc3ce63d7bcbed58a2731e84d06bc3cdf1b53c4228";
const KID = "access-key-1";
const NOW = new Date("2025-06-01T12:00:00Z");
const NOW_S = Math.floor(NOW.getTime() / 1000);
const SETTINGS = { teamDomain: TEAM, audience: AUD };

type KeyPair = Awaited<ReturnType<typeof generateKeyPair>>;
let access: KeyPair;
let impostor: KeyPair;
let publicJwk: JWK;
let keys: JWTVerifyGetKey;

beforeAll(async () => {
  access = await generateKeyPair("RS256", { extractable: true });
  impostor = await generateKeyPair("RS256", { extractable: true });
  publicJwk = { ...(await exportJWK(access.publicKey)), kid: KID, alg: "RS256", use: "sig" };
  keys = createLocalJWKSet({ keys: [publicJwk] });
});

/** Claims shaped like Access's application token, valid at NOW (or `at`) for TEAM and AUD. */
function accessClaims(at = NOW_S, issuer = TEAM): JWTPayload {
  return {
    aud: [AUD],
    email: "Ada@Acme.com",
    exp: at + 300,
    iat: at,
    nbf: at,
    iss: issuer,
    type: "app",
    identity_nonce: "6ei69kawdKzMIAPF",
    sub: "7335d417-61da-459d-899c-0a01c76a2f94",
    country: "US",
  };
}

type Overrides = Record<string, unknown>;

function sign(
  overrides: Overrides = {},
  options: { key?: CryptoKey; kid?: string; claims?: JWTPayload } = {},
): Promise<string> {
  const claims: Record<string, unknown> = { ...(options.claims ?? accessClaims()), ...overrides };
  for (const [name, value] of Object.entries(claims)) if (value === undefined) delete claims[name];
  return new SignJWT(claims)
    .setProtectedHeader({ alg: "RS256", kid: options.kid ?? KID, typ: "JWT" })
    .sign(options.key ?? access.privateKey);
}

const encoder = new TextEncoder();
const segment = (value: unknown) => base64url.encode(encoder.encode(JSON.stringify(value)));

type Case = {
  name: string;
  token: () => Promise<string>;
  identity?: AccessIdentity;
  reason?: AccessJwtReason;
};

const CASES: Case[] = [
  {
    name: "a valid token names the person",
    token: () => sign(),
    identity: {
      email: "Ada@Acme.com",
      sub: "7335d417-61da-459d-899c-0a01c76a2f94",
      groups: [],
      serviceToken: false,
      commonName: null,
    },
  },
  {
    name: "groups come from `groups` and `custom.groups`, strings only, once each",
    token: () => sign({ groups: ["sre", 7, "support-team"], custom: { groups: ["sre", "legal"] } }),
    identity: {
      email: "Ada@Acme.com",
      sub: "7335d417-61da-459d-899c-0a01c76a2f94",
      groups: ["sre", "support-team", "legal"],
      serviceToken: false,
      commonName: null,
    },
  },
  {
    name: "a service token carries common_name and no email",
    token: () => sign({ email: undefined, sub: "", common_name: "88bf3b6d86161464f6509f7219099e57.access" }),
    identity: {
      email: null,
      sub: "",
      groups: [],
      serviceToken: true,
      commonName: "88bf3b6d86161464f6509f7219099e57.access",
    },
  },
  {
    name: "an expiry a few seconds past is forgiven as clock skew",
    token: () => sign({ exp: NOW_S - 10 }),
    identity: {
      email: "Ada@Acme.com",
      sub: "7335d417-61da-459d-899c-0a01c76a2f94",
      groups: [],
      serviceToken: false,
      commonName: null,
    },
  },
  { name: "an expired token", token: () => sign({ exp: NOW_S - 600, iat: NOW_S - 900 }), reason: "expired" },
  { name: "a token not yet valid", token: () => sign({ nbf: NOW_S + 600 }), reason: "not-yet-valid" },
  { name: "a token that never expires", token: () => sign({ exp: undefined }), reason: "claims" },
  {
    name: "another application's audience",
    token: () => sign({ aud: ["f".repeat(64)] }),
    reason: "audience",
  },
  { name: "no audience at all", token: () => sign({ aud: undefined }), reason: "audience" },
  {
    name: "another team's issuer",
    token: () => sign({ iss: "https://evil.cloudflareaccess.com" }),
    reason: "issuer",
  },
  {
    name: "signed by another key under the same kid",
    token: () => sign({}, { key: impostor.privateKey }),
    reason: "signature",
  },
  {
    name: "a valid token whose payload was swapped",
    token: async () => {
      const [header, , signature] = (await sign()).split(".");
      return `${header}.${segment({ ...accessClaims(), email: "root@acme.com" })}.${signature}`;
    },
    reason: "signature",
  },
  {
    name: 'an unsecured token (alg "none", empty signature)',
    token: async () => `${segment({ alg: "none", typ: "JWT" })}.${segment(accessClaims())}.`,
    reason: "algorithm",
  },
  {
    name: "an HS256 token keyed with the public key's bytes (algorithm confusion)",
    token: async () =>
      new SignJWT(accessClaims())
        .setProtectedHeader({ alg: "HS256", kid: KID, typ: "JWT" })
        .sign(encoder.encode(await exportSPKI(access.publicKey))),
    reason: "algorithm",
  },
  {
    name: "a kid the team does not publish",
    token: () => sign({}, { kid: "rotated-away" }),
    reason: "unknown-key",
  },
  { name: "garbage", token: async () => "not-a-jwt", reason: "malformed" },
  { name: "three segments of garbage", token: async () => "a.b.c", reason: "malformed" },
  {
    name: "a signed payload that is not a claims object",
    token: () =>
      new CompactSign(encoder.encode("[1,2,3]"))
        .setProtectedHeader({ alg: "RS256", kid: KID })
        .sign(access.privateKey),
    reason: "malformed",
  },
  {
    name: "a token naming neither a person nor a service token",
    token: () => sign({ email: undefined }),
    reason: "claims",
  },
];

async function reasonOf(promise: Promise<unknown>): Promise<AccessJwtReason | "accepted"> {
  try {
    await promise;
    return "accepted";
  } catch (error) {
    if (error instanceof AccessJwtError) return error.reason;
    throw error;
  }
}

describe("verifyAccessJwt", () => {
  for (const { name, token, identity, reason } of CASES) {
    it(identity ? `accepts ${name}` : `refuses ${name} (${reason})`, async () => {
      const verifying = verifyAccessJwt(await token(), SETTINGS, keys, NOW);
      if (identity) expect(await verifying).toEqual(identity);
      else expect(await reasonOf(verifying)).toBe(reason);
    });
  }
});

describe("accessKeys", () => {
  async function hits(origin: string): Promise<number> {
    const body: { hits: number } = await (await fetch(`${origin}/hits`)).json();
    return body.hits;
  }

  it("fetches the team's key set once, serves later tokens from the cache, and does not refetch for unknown kids within the cooldown", async () => {
    const team = env.ACCESS_TEST_JWKS_ORIGIN;
    const published = await fetch(`${team}/cdn-cgi/access/certs`, {
      method: "PUT",
      body: JSON.stringify({ keys: [publicJwk] }),
    });
    expect(published.status).toBe(204);
    const settings = { teamDomain: team, audience: AUD };
    const claims = accessClaims(Math.floor(Date.now() / 1000), team);

    const first = accessKeys(team);
    expect(accessKeys(team)).toBe(first);
    for (const email of ["a@acme.com", "b@acme.com", "c@acme.com"]) {
      const identity = await verifyAccessJwt(await sign({ email }, { claims }), settings, accessKeys(team));
      expect(identity.email).toBe(email);
    }
    expect(await hits(team)).toBe(1);

    const unknown = verifyAccessJwt(await sign({}, { claims, kid: "junk" }), settings, accessKeys(team));
    expect(await reasonOf(unknown)).toBe("unknown-key");
    expect(await hits(team)).toBe(1);
  });

  it("reports a team domain without a key set as keys unavailable, not as a bad token", async () => {
    const team = env.SHOP_ORIGIN;
    const token = await sign({}, { claims: accessClaims(Math.floor(Date.now() / 1000), team) });
    const verifying = verifyAccessJwt(token, { teamDomain: team, audience: AUD }, accessKeys(team));
    expect(await reasonOf(verifying)).toBe("keys-unavailable");
  });
});
