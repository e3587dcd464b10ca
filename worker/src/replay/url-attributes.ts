/**
 * HTML attributes that hold URLs, and how to read them (after wabac.js's rewrite tables and the HTML
 * spec's attribute index). `url`: the whole value is one URL; `srcset`: a list of candidates; `css`: an
 * inline style; `refresh`: `<meta http-equiv=refresh content>`. Elements are those the attribute is a URL
 * on; `*` means any element.
 */
export type UrlAttributeKind = "url" | "srcset" | "css" | "refresh";

export const URL_ATTRIBUTES = {
  href: { kind: "url", elements: ["a", "area", "link", "base", "image", "use"] },
  "xlink:href": { kind: "url", elements: ["a", "image", "use"] },
  src: {
    kind: "url",
    elements: ["img", "script", "iframe", "frame", "embed", "source", "track", "audio", "video", "input"],
  },
  srcset: { kind: "srcset", elements: ["img", "source"] },
  imagesrcset: { kind: "srcset", elements: ["link"] },
  action: { kind: "url", elements: ["form"] },
  formaction: { kind: "url", elements: ["button", "input"] },
  poster: { kind: "url", elements: ["video"] },
  data: { kind: "url", elements: ["object"] },
  cite: { kind: "url", elements: ["blockquote", "q", "del", "ins"] },
  background: { kind: "url", elements: ["body", "table", "td", "th"] },
  manifest: { kind: "url", elements: ["html"] },
  style: { kind: "css", elements: "*" },
  content: { kind: "refresh", elements: ["meta"] },
} as const satisfies Record<string, { kind: UrlAttributeKind; elements: readonly string[] | "*" }>;

/** How `attribute` on `element` holds URLs, or null when it holds none. */
export function urlAttributeKind(
  element: string,
  attribute: string,
  attribs: Readonly<Record<string, string>>,
): UrlAttributeKind | null {
  if (!Object.hasOwn(URL_ATTRIBUTES, attribute)) return null;
  const rule = URL_ATTRIBUTES[attribute as keyof typeof URL_ATTRIBUTES];
  const elements: readonly string[] | "*" = rule.elements;
  if (elements !== "*" && !elements.includes(element)) return null;
  // `content` is a URL only on a refresh directive; on every other <meta> it is text.
  if (rule.kind === "refresh" && (attribs["http-equiv"] ?? "").trim().toLowerCase() !== "refresh")
    return null;
  return rule.kind;
}
