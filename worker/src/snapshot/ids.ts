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
