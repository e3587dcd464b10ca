/** FNV-1a, 32 bit: synchronous and tiny, plenty to tell a handful of static files and versions apart. */
function fnv1a(bytes: Uint8Array): number {
  let hash = 0x811c9dc5;
  for (const byte of bytes) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  return hash;
}

/**
 * Text assets get weak validators (RFC 9110 §8.8.1): the compress middleware may gzip them, and a strong tag
 * must change with the content coding, while a weak one survives it. Binaries are never re-encoded.
 */
export function entityTag(bytes: Uint8Array, weak: boolean): string {
  const opaque = `"${bytes.length.toString(16)}-${fnv1a(bytes).toString(16)}"`;
  return weak ? `W/${opaque}` : opaque;
}

/** True when If-None-Match names `etag`; it uses the weak comparison function (RFC 9110 §13.1.2): only the opaque part must match. */
export function isNotModified(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  const opaque = etag.replace(/^W\//, "");
  return header
    .split(",")
    .map((tag) => tag.trim())
    .some((tag) => tag === "*" || tag.replace(/^W\//, "") === opaque);
}
