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

/**
 * Browser-side code is passed as a string: these files are type-checked without the DOM library.
 *
 * A stand-in rarely has the width of what it replaced (`XXXXXXXXXXXX5007` is wider than the digits), so the
 * rest of its line moves: on DokuWiki's search results the comma after the card shifted 3 px. That reflow is
 * the mask's, not a replay fault, so a masked text's allowed box is its line band: each line box it occupies
 * (getClientRects() of the text and of its element), from its left edge to the right edge of the content box
 * of its nearest block-level container, as tall as that line. Nothing is allowed above, below or to the left,
 * nor on the following lines: text pushed onto another line, or anything else that moved, still fails.
 */
const FIND_MASKED = `(values, standIn) => {
  const boxes = [];
  const pattern = standIn === null ? null : new RegExp(standIn);
  const add = (r) => {
    if (r.width > 0 && r.height > 0)
      boxes.push({ x: r.left + scrollX, y: r.top + scrollY, width: r.width, height: r.height });
  };
  const blockOf = (el) => {
    let c = el;
    while (c.parentElement && /^(inline|contents)/.test(getComputedStyle(c).display)) c = c.parentElement;
    return c;
  };
  const addLines = (rects, container) => {
    const box = container.getBoundingClientRect();
    const style = getComputedStyle(container);
    const right = box.right - parseFloat(style.borderRightWidth) - parseFloat(style.paddingRight);
    for (const r of rects) {
      add(r);
      if (right > r.right) add({ left: r.left, top: r.top, width: right - r.left, height: r.height });
    }
  };
  const shows = (text) => values.some((v) => text.includes(v)) || (pattern !== null && pattern.test(text));
  for (const el of document.querySelectorAll("input, textarea, select")) {
    if (el.type === "password" || shows(el.value ?? "")) add(el.getBoundingClientRect());
  }
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!shows(node.textContent ?? "")) continue;
    const parent = node.parentElement;
    if (!parent) continue;
    const container = blockOf(parent);
    const range = document.createRange();
    range.selectNodeContents(node);
    addLines(range.getClientRects(), container);
    // The element around the text: masking may change the text's length and so its box.
    addLines(parent.getClientRects(), container);
  }
  return boxes;
}`;

/** Browser-side: every image decoded (or failed), then two animation frames so that it is painted. */
const IMAGES_PAINTED = `Promise.all([...document.images].map((img) => img.decode().catch(() => undefined)))
  .then(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(() => done(undefined)))))`;
/** Lazy images below the fold never load: give up waiting for them after a while. */
const AT_MOST_5S = (script: string) =>
  `Promise.race([${script}, new Promise((done) => setTimeout(done, 5000))])`;

/**
 * Has the whole page laid out and painted anew from its final state, by widening the viewport by one pixel
 * and back (focus and scroll stay). Chromium otherwise keeps tiles painted while the page loaded, and the
 * antialiased corners of a rounded box with a background image then differ by 1-2 colour levels with the
 * order in which resources arrived: two loads of the same archived page differed there, after this they do
 * not. Live and replay screenshots both get it.
 */
async function repaint(page: Page): Promise<void> {
  const size = page.viewportSize();
  if (!size) return;
  await page.setViewportSize({ width: size.width + 1, height: size.height });
  await page.setViewportSize(size);
  await page.evaluate(
    "new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(() => done(undefined))))",
  );
}

/** Waits for the page to be still: loaded, no request in flight for a moment, fonts and images painted. */
export async function settle(page: Page): Promise<void> {
  await page.waitForLoadState("load");
  await page.waitForLoadState("networkidle");
  await page.evaluate("document.fonts.ready.then(() => undefined)");
  await page.evaluate(AT_MOST_5S(IMAGES_PAINTED));
  await repaint(page);
}

/**
 * Settles and takes a full-page screenshot with the boxes of what masking may change: elements showing one of
 * `maskedValues` (live), or a masker's stand-in matching `standIn` (in a replay: `[REDACTED]`, `XXXX…1234`).
 */
export async function shoot(
  page: Page,
  label: string,
  maskedValues: readonly string[],
  standIn: RegExp | null = null,
): Promise<Shot> {
  await settle(page);
  const args = `${JSON.stringify(maskedValues)}, ${JSON.stringify(standIn?.source ?? null)}`;
  const masked = (await page.evaluate(`(${FIND_MASKED})(${args})`)) as Box[];
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
  // install() leaves the fake clock paused: let it run, so timers and debounced handlers fire as live.
  await page.clock.resume();
}
