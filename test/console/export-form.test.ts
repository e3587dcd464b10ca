import { describe, expect, it } from "vitest";
import { parseExportScope } from "../../worker/src/export-job/export-scope.ts";
import { exportRequest, readExportForm } from "../../worker/src/console/model/export-form.ts";

const SECRET = "test-secret-0123456789abcdef";
const SESSION = "0123456789abcdef0123456789abcdef";

describe("exportRequest", () => {
  it.each([
    [
      "a day keeps its zone",
      { day: "2026-11-28", tz: "Europe/Paris" },
      { day: "2026-11-28", timeZone: "Europe/Paris" },
    ],
    [
      "a session drops the zone the select always sends",
      { session: SESSION, tz: "Europe/Paris" },
      { session: SESSION },
    ],
    ["a customer drops it too", { customer: "alice", tz: "UTC" }, { customer: "alice" }],
    [
      "a URL prefix goes with any scope",
      { session: SESSION, url: "https://shop.example/checkout" },
      { session: SESSION, url: "https://shop.example/checkout" },
    ],
    ["blank fields are left out", { day: "  ", session: ` ${SESSION} `, tz: "UTC" }, { session: SESSION }],
    [
      "two scopes both go (the parser refuses them)",
      { day: "2026-11-28", session: SESSION },
      { day: "2026-11-28", session: SESSION },
    ],
    ["nothing gives nothing", {}, {}],
  ])("%s", (_what, fields, expected) => {
    expect(exportRequest(readExportForm(fields))).toEqual(expected);
  });

  it("reads only string fields (a file upload in a field is no value)", () => {
    const file = new File(["x"], "x.txt");
    expect(readExportForm({ session: file, day: ["2026-11-28"], url: "https://a.example/" })).toEqual({
      day: "",
      tz: "",
      session: "",
      customer: "",
      url: "https://a.example/",
    });
  });

  it.each([
    [{ day: "2026-11-28", tz: "Europe/Paris" }, "day"],
    [{ session: SESSION, tz: "Europe/Paris" }, "session"],
    [{ customer: "alice", tz: "UTC" }, "customer"],
  ] as const)("gives the API's parser a scope it accepts: %o → %s", (fields, kind) => {
    expect(parseExportScope(exportRequest(readExportForm(fields)), SECRET).kind).toBe(kind);
  });
});
