/** URL-safe random token. Web Crypto, so it runs unchanged in workerd, Node and the browser. */
export function randomToken(byteLength = 18): string {
  const bytes = crypto.getRandomValues(new Uint8Array(byteLength));
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}
