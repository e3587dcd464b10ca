import { maskValues, recorderMaskContext } from "../mask/index.ts";
import type { SessionFilter } from "../store/archive-reader.ts";

/**
 * What a search asked for, as the audit log keeps it: the parsed filter, so a customer's identifier or a
 * cookie appears only as the keyed hash the search compared, never as typed. The free-text parts (URL and
 * user agent contains) go through the recorder's value rules first: a card number or a token someone pasted
 * into a search box is not kept in the log either.
 */
export function searchDetail(
  filter: SessionFilter,
  secret: string,
): Record<string, string | number | boolean | null> {
  const ctx = recorderMaskContext(secret, "https://audit.invalid/");
  const masked = (text: string | null, where: string) =>
    text === null ? null : maskValues(text, ctx, where);
  return {
    from: filter.from,
    to: filter.to,
    session: filter.sessionId,
    cookieKey: filter.keyHash,
    customerToken: filter.customerToken,
    device: filter.device,
    errors: filter.withErrors,
    url: masked(filter.urlContains, "audit:url"),
    ua: masked(filter.userAgentContains, "audit:ua"),
  };
}
