import { describe, expect, it } from "vitest";
import * as main from "../worker/src/index.ts";

describe("worker module", () => {
  it("exports only the fetch handler (workerd rejects any other export of the main module)", () => {
    expect(Object.keys(main)).toEqual(["default"]);
    expect(typeof main.default.fetch).toBe("function");
  });
});
