/**
 * Client IPs are personal data (GDPR recital 30); support needs the network, not the host. IPv4 keeps the
 * first `v4Bits` bits, IPv6 the first `v6Bits`; the rest is zeroed. Anything unparseable is dropped.
 */
export function truncateIp(ip: string | null, v4Bits: number, v6Bits: number): string | null {
  if (!ip) return null;
  const trimmed = ip.trim();
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(trimmed)) return truncateV4(trimmed, v4Bits);
  if (trimmed.includes(":")) return truncateV6(trimmed, v6Bits);
  return null;
}

function truncateV4(ip: string, bits: number): string | null {
  const octets = ip.split(".").map(Number);
  if (octets.some((o) => o > 255)) return null;
  const value = octets.reduce((acc, o) => ((acc << 8) | o) >>> 0, 0);
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  const kept = (value & mask) >>> 0;
  return `${[24, 16, 8, 0].map((shift) => (kept >>> shift) & 255).join(".")}/${bits}`;
}

function truncateV6(ip: string, bits: number): string | null {
  const groups = expandV6(ip);
  if (!groups) return null;
  let remaining = bits;
  const kept = groups.map((group) => {
    const take = Math.max(0, Math.min(16, remaining));
    remaining -= take;
    const mask = take === 0 ? 0 : (0xffff << (16 - take)) & 0xffff;
    return (group & mask).toString(16);
  });
  return `${kept.join(":")}/${bits}`;
}

function expandV6(ip: string): number[] | null {
  const [head = "", tail, ...rest] = ip.split("::");
  if (rest.length > 0) return null;
  const parse = (part: string) => (part === "" ? [] : part.split(":").map((g) => parseInt(g, 16)));
  const left = parse(head);
  const right = tail === undefined ? [] : parse(tail);
  const missing = 8 - left.length - right.length;
  if (missing < 0 || (tail === undefined && missing !== 0)) return null;
  const groups = [...left, ...new Array<number>(missing).fill(0), ...right];
  return groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : null;
}
