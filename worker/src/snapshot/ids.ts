/**
 * Exchange ids: 48-bit millisecond time then 80 random bits, Crockford base32 (the ULID layout). They sort
 * by time, which keeps D1's primary-key index append-mostly and gives exports a stable order, and they are
 * stable for the life of the record (evidence logs and exports cite them).
 */
const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

export function exchangeId(timeMs: number): string {
  let time = "";
  let t = timeMs;
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32] + time;
    t = Math.floor(t / 32);
  }
  const random = new Uint8Array(16);
  crypto.getRandomValues(random);
  let rand = "";
  for (const byte of random) rand += ALPHABET[byte % 32];
  return time + rand;
}

export function utcDay(timeMs: number): string {
  return new Date(timeMs).toISOString().slice(0, 10);
}

/**
 * The id an exchange is stored under, minted by its recording shard once the session is known: 10 time
 * characters, then 8 characters holding the first 40 bits of the session id (its tag), then 40 random bits.
 * Still a ULID-shaped, time-sorted id; the tag lets an id alone find its session's chunk in the index
 * (session ids are 32 hex characters) without a row per exchange.
 */
export function sessionExchangeId(timeMs: number, sessionId: string): string {
  const base = exchangeId(timeMs);
  const tag = /^[0-9a-f]{10}/.test(sessionId) ? hexToBase32(sessionId.slice(0, 10)) : base.slice(10, 18);
  return base.slice(0, 10) + tag + base.slice(18);
}

/** The session-id prefix an exchange id's tag names (10 hex characters), or null for a malformed id. */
export function sessionPrefixOf(id: string): string | null {
  if (!/^[0-9A-HJKMNP-TV-Z]{26}$/.test(id)) return null;
  let bits = 0n;
  for (const char of id.slice(10, 18)) bits = (bits << 5n) | BigInt(ALPHABET.indexOf(char));
  return bits.toString(16).padStart(10, "0");
}

function hexToBase32(hex: string): string {
  let bits = BigInt(`0x${hex}`);
  let out = "";
  for (let i = 0; i < 8; i++) {
    out = ALPHABET[Number(bits & 31n)] + out;
    bits >>= 5n;
  }
  return out;
}

/** A fresh session id for a visitor that sends no cookie: 128 random bits, hex, like the derived ones. */
export function randomSessionId(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * A session id is a prefix of its first cookie key's hash (HMAC, recorder/session-keys.ts): stable, reveals
 * nothing about the cookie, and lets that key find its session without a stored mapping.
 */
export function sessionIdFromKey(keyHash: string): string {
  return keyHash.slice(0, 32);
}
