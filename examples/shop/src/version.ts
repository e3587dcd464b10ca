/** "v1" is the site as recorded; "v2" is the same site after a later release (prices, styles, terms changed). */
export const VERSIONS = ["v1", "v2"] as const;

export type Version = (typeof VERSIONS)[number];

export function isVersion(value: string): value is Version {
  return (VERSIONS as readonly string[]).includes(value);
}
