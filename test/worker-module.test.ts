import { describe, expect, it } from "vitest";
import * as main from "../worker/src/index.ts";

describe("worker module", () => {
  it("exports the handlers, the Durable Object classes and the Workflow, nothing else (workerd treats exports as entrypoints)", () => {
    expect(Object.keys(main).sort()).toEqual([
      "AuditWriter",
      "EvidenceLog",
      "ExportWorkflow",
      "RecordingShard",
      "default",
    ]);
    expect(typeof main.default.fetch).toBe("function");
    expect(typeof main.default.queue).toBe("function");
    expect(typeof main.default.scheduled).toBe("function");
  });
});
