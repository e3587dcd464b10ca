import { RECORDER_COOKIE } from "../snapshot/cookies.ts";

// The name lives with the cookie parser (below both proxy/ and recorder/), so the recorder reads it without
// reaching up into the proxy.
export { RECORDER_COOKIE };

/** 128 bits from the CSPRNG, hex. */
export function newRecorderCookieValue(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

export function recorderSetCookie(value: string, secure: boolean): string {
  return `${RECORDER_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Lax${secure ? "; Secure" : ""}`;
}

/** Removes the recorder cookie from a Cookie header in place, leaving every other cookie byte-identical. */
export function stripCookie(headers: Headers): void {
  const cookie = headers.get("cookie");
  if (cookie === null || !cookie.includes(RECORDER_COOKIE)) return;
  const kept = cookie
    .split(";")
    .filter((pair) => pair.trim().split("=")[0] !== RECORDER_COOKIE)
    .map((pair) => pair.trim())
    .join("; ");
  if (kept === "") headers.delete("cookie");
  else headers.set("cookie", kept);
}
