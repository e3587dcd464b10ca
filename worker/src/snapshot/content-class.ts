/**
 * What kind of body a media type carries. The class decides whether the body is recorded at all and which
 * masker reads it. Order matters: the first matching row wins.
 */
export type ContentClass =
  "html" | "json" | "css" | "js" | "image" | "font" | "text" | "form" | "multipart" | "other";

const CLASS_RULES: ReadonlyArray<readonly [RegExp, ContentClass]> = [
  [/^text\/html$|^application\/xhtml\+xml$/, "html"],
  [/^application\/(.+\+)?json$|^text\/json$|^application\/(ld|manifest)\+json$/, "json"],
  [/^text\/css$/, "css"],
  [/^(text|application)\/(x-)?(java|ecma)script$|^text\/jsx?$|^application\/x-javascript$/, "js"],
  [/^image\//, "image"],
  [/^font\/|^application\/(x-)?font-|^application\/vnd\.ms-fontobject$/, "font"],
  [/^application\/x-www-form-urlencoded$/, "form"],
  [/^multipart\/form-data$/, "multipart"],
  [/^text\/|^application\/(xml|.+\+xml)$/, "text"],
];

/** Classes whose bodies are recorded by default (issue: HTML, JSON and assets, and the form posts that produced them). */
export const RECORDED_CLASSES: ReadonlySet<ContentClass> = new Set([
  "html",
  "json",
  "css",
  "js",
  "image",
  "font",
  "text",
  "form",
  "multipart",
]);

/** Bodies in these classes are already compressed; storing them gzip-again only burns CPU. */
export const PRECOMPRESSED_CLASSES: ReadonlySet<ContentClass> = new Set(["image", "font"]);

export function mediaType(contentType: string | null): string {
  return (contentType ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
}

export function classify(contentType: string | null): ContentClass {
  const type = mediaType(contentType);
  for (const [pattern, cls] of CLASS_RULES) if (pattern.test(type)) return cls;
  return "other";
}

/** Whether a body of this media type is recorded, given the ops' extra types. SVG is an image but also markup. */
export function isRecordedType(contentType: string | null, extraTypes: readonly string[]): boolean {
  return RECORDED_CLASSES.has(classify(contentType)) || extraTypes.includes(mediaType(contentType));
}

/** The charset parameter of a Content-Type, lower-cased, or null. */
export function charsetOf(contentType: string | null): string | null {
  const match = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType ?? "");
  return match?.[1]?.toLowerCase() ?? null;
}
