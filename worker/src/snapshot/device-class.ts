/** Rough device class from the User-Agent, enough for support to know "phone or laptop". First match wins. */
export type DeviceClass = "bot" | "tablet" | "mobile" | "desktop" | "unknown";

const DEVICE_RULES: ReadonlyArray<readonly [RegExp, DeviceClass]> = [
  [/bot|crawler|spider|slurp|curl|wget|python-requests|headlesschrome|lighthouse/i, "bot"],
  [/ipad|tablet|kindle|silk|playbook|(android(?!.*mobile))/i, "tablet"],
  [/mobi|iphone|ipod|android.*mobile|windows phone|blackberry|opera mini/i, "mobile"],
  [/windows nt|macintosh|x11|linux|cros/i, "desktop"],
];

export function deviceClass(userAgent: string | null): DeviceClass {
  if (!userAgent) return "unknown";
  for (const [pattern, cls] of DEVICE_RULES) if (pattern.test(userAgent)) return cls;
  return "unknown";
}
