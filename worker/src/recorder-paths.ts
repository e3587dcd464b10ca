/** The recorder's own console and API: served on the site's host, never forwarded to the origin, never recorded. */
export const RECORDER_PREFIX = "/__verbatim";
