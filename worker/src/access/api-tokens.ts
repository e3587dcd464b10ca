import { VerbatimError } from "../errors/verbatim-error.ts";
import { base64url } from "./keys.ts";
import { isRole, type Principal, type Role } from "./roles.ts";

/**
 * Scoped API tokens: `vbt_<id>_<secret>`, 12 hex characters of id (shown in lists and the audit log) and 256
 * bits of secret. D1 keeps a SHA-256 of the whole token, never the token: a leaked table opens nothing.
 * SHA-256 (not a slow hash) is enough because the secret is random, not chosen by a person.
 */
const TOKEN = /^vbt_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;
const MAX_LIFETIME_MS = 366 * 24 * 60 * 60 * 1000;

export type ApiTokenRow = {
  id: string;
  name: string;
  roles: string;
  token_hash: string;
  created_at: number;
  created_by: string;
  expires_at: number;
  revoked_at: number | null;
  revoked_by: string | null;
};

export type ApiTokenView = {
  id: string;
  name: string;
  roles: Role[];
  createdAt: string;
  createdBy: string;
  expiresAt: string;
  revokedAt: string | null;
  revokedBy: string | null;
  state: "active" | "expired" | "revoked";
};

export function looksLikeApiToken(value: string): boolean {
  return TOKEN.test(value);
}

export async function tokenHash(token: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(token));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

function hex(bytes: number): string {
  const buffer = crypto.getRandomValues(new Uint8Array(bytes));
  return Array.from(buffer, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Parses and checks what a creator asked for: a name, known roles, and a lifetime of at most a year. */
export function tokenRequest(
  input: { name?: unknown; roles?: unknown; expiresInDays?: unknown },
  now: number,
): { name: string; roles: Role[]; expiresAt: number } {
  const name = typeof input.name === "string" ? input.name.trim() : "";
  if (!/^[\w .:@/-]{1,80}$/.test(name))
    throw new VerbatimError("bad_query", '"name" must be 1-80 letters, digits, spaces or ._:@/-');
  const roles = Array.isArray(input.roles) ? input.roles : [];
  if (roles.length === 0 || !roles.every((r): r is Role => typeof r === "string" && isRole(r)))
    throw new VerbatimError("bad_query", '"roles" must list roles among ops, support, compliance, admin');
  const days = input.expiresInDays;
  if (typeof days !== "number" || !Number.isInteger(days) || days < 1 || days * 86_400_000 > MAX_LIFETIME_MS)
    throw new VerbatimError("bad_query", '"expiresInDays" must be a whole number of days from 1 to 366');
  return { name, roles: [...new Set(roles)], expiresAt: now + days * 86_400_000 };
}

export function tokenView(row: ApiTokenRow, now: number): ApiTokenView {
  return {
    id: row.id,
    name: row.name,
    roles: row.roles.split(",").filter(isRole),
    createdAt: new Date(row.created_at).toISOString(),
    createdBy: row.created_by,
    expiresAt: new Date(row.expires_at).toISOString(),
    revokedAt: row.revoked_at === null ? null : new Date(row.revoked_at).toISOString(),
    revokedBy: row.revoked_by,
    state: row.revoked_at !== null ? "revoked" : row.expires_at <= now ? "expired" : "active",
  };
}

/** The api_tokens table (migrations/0010). */
export class ApiTokenStore {
  readonly #db: D1Database;

  constructor(db: D1Database) {
    this.#db = db;
  }

  /** Creates a token and returns it whole: the only time it is ever shown. */
  async create(
    request: { name: string; roles: Role[]; expiresAt: number },
    createdBy: string,
    now: number,
  ): Promise<{ token: string; row: ApiTokenRow }> {
    const id = hex(6);
    const token = `vbt_${id}_${base64url(crypto.getRandomValues(new Uint8Array(32)))}`;
    const row: ApiTokenRow = {
      id,
      name: request.name,
      roles: request.roles.join(","),
      token_hash: await tokenHash(token),
      created_at: now,
      created_by: createdBy,
      expires_at: request.expiresAt,
      revoked_at: null,
      revoked_by: null,
    };
    await this.#db
      .prepare(
        "INSERT INTO api_tokens (id, name, roles, token_hash, created_at, created_by, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
      )
      .bind(row.id, row.name, row.roles, row.token_hash, row.created_at, row.created_by, row.expires_at)
      .run();
    return { token, row };
  }

  async list(): Promise<ApiTokenRow[]> {
    const { results } = await this.#db
      .prepare("SELECT * FROM api_tokens ORDER BY created_at DESC, id")
      .all<ApiTokenRow>();
    return results;
  }

  async get(id: string): Promise<ApiTokenRow | null> {
    return this.#db.prepare("SELECT * FROM api_tokens WHERE id = ?").bind(id).first<ApiTokenRow>();
  }

  /** Revokes once: a second revocation changes nothing and says so (false). */
  async revoke(id: string, by: string, now: number): Promise<boolean> {
    const result = await this.#db
      .prepare("UPDATE api_tokens SET revoked_at = ?, revoked_by = ? WHERE id = ? AND revoked_at IS NULL")
      .bind(now, by, id)
      .run();
    return (result.meta.changes ?? 0) > 0;
  }

  /** The principal a presented token stands for, or null: unknown, wrong secret, expired or revoked. */
  async principalFor(token: string, now: number): Promise<Principal | null> {
    const match = TOKEN.exec(token);
    if (!match?.[1]) return null;
    const row = await this.get(match[1]);
    if (!row || row.revoked_at !== null || row.expires_at <= now) return null;
    const given = new TextEncoder().encode(await tokenHash(token));
    const stored = new TextEncoder().encode(row.token_hash);
    if (given.byteLength !== stored.byteLength || !crypto.subtle.timingSafeEqual(given, stored)) return null;
    return {
      id: `token:${row.id}`,
      roles: row.roles.split(",").filter(isRole),
      via: "token",
      tokenId: row.id,
    };
  }

  /** Whether a token is still good (console sessions opened with it die with it). */
  async isActive(id: string, now: number): Promise<boolean> {
    const row = await this.get(id);
    return row !== null && row.revoked_at === null && row.expires_at > now;
  }
}
