/** The console's pages live under this path on the console's own host (CONSOLE_HOST). */
export const CONSOLE_ROOT = "/__verbatim/";

/** Only paths inside the console may be a post-sign-in destination (no open redirect). */
export function safeNext(raw: string | undefined): string {
  if (
    !raw ||
    !raw.startsWith(CONSOLE_ROOT) ||
    raw.startsWith(`${CONSOLE_ROOT}login`) ||
    /[\\\s]|\/\//.test(raw)
  )
    return CONSOLE_ROOT;
  return raw;
}
