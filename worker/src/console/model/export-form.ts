/**
 * The console's export form: its fields map onto the export API's JSON body (export-job/export-scope.ts
 * parses both, so the form and the API refuse the same input with the same message). The customer's
 * identifier travels only in the POST body and is hashed by the parser; it never reaches a URL.
 */
export const EXPORT_FIELDS = ["day", "tz", "session", "customer", "url"] as const;

export type ExportForm = Record<(typeof EXPORT_FIELDS)[number], string>;

export function readExportForm(input: Readonly<Record<string, unknown>>): ExportForm {
  const form = {} as ExportForm;
  for (const name of EXPORT_FIELDS) {
    const value = input[name];
    form[name] = typeof value === "string" ? value.trim() : "";
  }
  return form;
}

/**
 * The API body for the fields filled in. The zone goes only with a day (the select always sends one), so a
 * session or customer export is not refused for carrying a zone it has no use for.
 */
export function exportRequest(form: ExportForm): Record<string, string> {
  const body: Record<string, string> = {};
  if (form.day !== "") {
    body.day = form.day;
    if (form.tz !== "") body.timeZone = form.tz;
  }
  if (form.session !== "") body.session = form.session;
  if (form.customer !== "") body.customer = form.customer;
  if (form.url !== "") body.url = form.url;
  return body;
}
