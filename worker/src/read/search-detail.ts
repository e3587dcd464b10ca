import type { SessionFilter } from "../store/archive-reader.ts";

/**
 * What a search asked for, as the audit log keeps it: the parsed filter, so a customer's identifier or a
 * cookie appears only as the keyed hash the search compared, never as typed.
 */
export function searchDetail(filter: SessionFilter): Record<string, string | number | boolean | null> {
  return {
    from: filter.from,
    to: filter.to,
    session: filter.sessionId,
    cookieKey: filter.keyHash,
    customerToken: filter.customerToken,
    device: filter.device,
    errors: filter.withErrors,
    url: filter.urlContains,
    ua: filter.userAgentContains,
  };
}
