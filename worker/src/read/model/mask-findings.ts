/**
 * An exchange's masking report (`mask_report`: [{rule, location, count}]) read for people: which field was
 * masked, where it was, and by which rule. Locations are "<where>:<field>" (form:password, json:cardNumber,
 * request-header:cookie, url:query:token); the prefix says where, as this table names it.
 */
export type MaskFinding = {
  rule: string;
  /** Where in the exchange: "form body", "request header", "URL", ... */
  where: string;
  /** The field, header or parameter name, when the location has one. */
  field: string | null;
  count: number;
  /** Header findings (cookie values, Authorization) happen on nearly every request; views fold them. */
  header: boolean;
};

const WHERE: Readonly<Record<string, string>> = {
  form: "form body",
  json: "JSON body",
  multipart: "multipart body",
  html: "HTML",
  js: "script",
  css: "stylesheet",
  text: "text body",
  body: "body",
  url: "URL",
  "request-header": "request header",
  "response-header": "response header",
};

export function parseMaskReport(json: string): MaskFinding[] {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return [];
  }
  if (!Array.isArray(raw)) return [];
  const findings: MaskFinding[] = [];
  for (const item of raw as unknown[]) {
    if (typeof item !== "object" || item === null) continue;
    const { rule, location, count } = item as Record<string, unknown>;
    if (typeof rule !== "string" || typeof location !== "string") continue;
    findings.push({ rule, ...place(location), count: typeof count === "number" ? count : 1 });
  }
  return findings;
}

function place(location: string): Pick<MaskFinding, "where" | "field" | "header"> {
  const colon = location.indexOf(":");
  const prefix = colon < 0 ? location : location.slice(0, colon);
  let field = colon < 0 ? null : location.slice(colon + 1);
  let where = WHERE[prefix] ?? prefix;
  if (prefix === "url" && field !== null) {
    // url:query:<name> and url:fragment:<name>
    const [part = "", ...rest] = field.split(":");
    where = `URL ${part}`;
    field = rest.length > 0 ? rest.join(":") : null;
  }
  const htmlField = field === null ? null : /\[name=([^\]]*)\]$/.exec(field)?.[1];
  return { where, field: htmlField ?? (field === "" ? null : field), header: prefix.endsWith("-header") };
}

/** The finding that masked a named field of a request body, if any. */
export function findingForField(findings: readonly MaskFinding[], field: string): MaskFinding | null {
  return findings.find((f) => !f.header && f.field === field && f.where.endsWith("body")) ?? null;
}
