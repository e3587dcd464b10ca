import type { Page } from "playwright-core";
import type { Box } from "../../browser/pixels.ts";

/**
 * Screenshots of page views, with the boxes where the replay may legitimately differ: password inputs and
 * every element showing a value the masker must replace (secrets, the customer's login). Boxes are in page
 * coordinates, as a full-page screenshot is.
 */
export type Shot = {
  label: string;
  png: Buffer;
  masked: Box[];
  /** When it was taken: the replay's clock is set to it (see setClockTo). */
  at: number;
};

/** Browser-side code is passed as a string: these files are type-checked without the DOM library. */
const FIND_MASKED = `(values) => {
  const boxes = [];
  const add = (r) => {
    if (r.width > 0 && r.height > 0)
      boxes.push({ x: r.left + scrollX, y: r.top + scrollY, width: r.width, height: r.height });
  };
  const shows = (text) => values.some((v) => text.includes(v));
  for (const el of document.querySelectorAll("input, textarea, select")) {
    if (el.type === "password" || shows(el.value ?? "")) add(el.getBoundingClientRect());
  }
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!shows(node.textContent ?? "")) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    for (const r of range.getClientRects()) add(r);
    // The element around the text: masking may change the text's length and so its box.
    if (node.parentElement) add(node.parentElement.getBoundingClientRect());
  }
  return boxes;
}`;

/** Waits for the page to be still: loaded, fonts ready, no request in flight for a moment. */
export async function settle(page: Page): Promise<void> {
  await page.waitForLoadState("load");
  await page.waitForLoadState("networkidle");
  await page.evaluate("document.fonts.ready.then(() => undefined)");
}

export async function shoot(page: Page, label: string, maskedValues: readonly string[]): Promise<Shot> {
  await settle(page);
  const masked = (await page.evaluate(`(${FIND_MASKED})(${JSON.stringify(maskedValues)})`)) as Box[];
  const at = Date.now();
  return {
    label,
    png: await page.screenshot({ fullPage: true, animations: "disabled", caret: "hide" }),
    masked,
    at,
  };
}

/**
 * Pages that print times relative to now ("published a few seconds ago") are compared as the customer saw
 * them: the replay page's clock starts at the moment of the live screenshot and runs on from there (a fixed
 * Date would stall debounced handlers). The archive holds the bytes that were sent; the visitor's clock was
 * never the recorder's to keep.
 */
export async function setClockTo(page: Page, shot: Shot): Promise<void> {
  await page.clock.install({ time: shot.at });
}
