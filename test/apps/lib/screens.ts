import type { Frame, Page } from "playwright-core";
import type { Box } from "../../browser/pixels.ts";

/**
 * A document on screen: the browser tab, and the frame that shows the document. Live, that is the tab's main
 * frame; in a replay, the console's replay frame (a replay is never a top-level page, see console-replay.ts).
 */
export type Screen = { page: Page; frame: Frame };

/** A document shown as the tab's own page, as the customer saw it. */
export function topLevel(page: Page): Screen {
  return { page, frame: page.mainFrame() };
}

/**
 * Screenshots of page views, with the boxes where the replay may legitimately differ: password inputs and
 * every element showing a value the masker must replace (secrets, the customer's login). Boxes are in the
 * document's coordinates, as the screenshot is (the whole document, see shoot).
 */
export type Shot = {
  label: string;
  png: Buffer;
  masked: Box[];
  /**
   * Where the document was scrolled to when shot (a page's script may scroll, as DokuWiki's preview does).
   * The screenshot shows the document from its top with the window as tall as the document, so fixed
   * elements no longer tell the scroll position; it is compared on its own.
   */
  scroll: { x: number; y: number };
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
async function repaint(screen: Screen): Promise<void> {
  const size = screen.page.viewportSize();
  if (!size) return;
  await resize(screen, { width: size.width + 1, height: size.height });
  await resize(screen, size);
}

const TWO_FRAMES =
  "new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(() => done(undefined))))";

/**
 * Sets the tab's viewport and waits until the document's frame has it and has painted. A replay frame is
 * another process (an out-of-process iframe, the replay origin being another site): it learns its new size
 * after setViewportSize has returned, and painted before that at the old width (1 px too wide, or a layout
 * centred half a pixel off, which moves antialiased icon edges by up to 12 colour levels).
 */
async function resize({ page, frame }: Screen, size: { width: number; height: number }): Promise<void> {
  await page.setViewportSize(size);
  await frame.waitForFunction(`innerWidth === ${size.width} && innerHeight === ${size.height}`);
  await frame.evaluate(TWO_FRAMES);
}

/** Waits for the document to be still: loaded, no request in flight for a moment, fonts and images painted. */
export async function settle(screen: Screen): Promise<void> {
  const { frame } = screen;
  await frame.waitForLoadState("load");
  await frame.waitForLoadState("networkidle");
  await frame.evaluate("document.fonts.ready.then(() => undefined)");
  await frame.evaluate(AT_MOST_5S(IMAGES_PAINTED));
  await repaint(screen);
}

/** Browser-side: the document's full size, measured as playwright measures a full-page screenshot. */
const FULL_SIZE = `(() => {
  const b = document.body, d = document.documentElement;
  return {
    width: Math.max(b.scrollWidth, d.scrollWidth, b.offsetWidth, d.offsetWidth, b.clientWidth, d.clientWidth),
    height: Math.max(b.scrollHeight, d.scrollHeight, b.offsetHeight, d.offsetHeight, b.clientHeight, d.clientHeight),
  };
})()`;

const SHOT_OPTIONS = { animations: "disabled", caret: "hide" } as const;

/**
 * Makes the window as large as the whole document (never smaller than it was) and returns what puts it back,
 * with the document's scroll position. The whole document is then in view, for the tab's page and for a
 * replay frame alike: the console's full-window page sizes its frame to the window (console-replay.ts), and
 * a frame's document cannot be captured beyond the frame's box. Playwright's full-page screenshot
 * (captureBeyondViewport) is not used even for the tab's page: it paints beyond the window with the window's
 * layout kept, fixed elements where the scroll position put them, which a frame cannot be made to do.
 */
async function growToDocument(screen: Screen): Promise<() => Promise<void>> {
  const { page, frame } = screen;
  const viewport = page.viewportSize();
  if (!viewport) throw new Error("the tab has no viewport size");
  const scroll = (await frame.evaluate("({ x: scrollX, y: scrollY })")) as { x: number; y: number };
  const full = (await frame.evaluate(FULL_SIZE)) as { width: number; height: number };
  const grown = {
    width: Math.max(viewport.width, full.width),
    height: Math.max(viewport.height, full.height),
  };
  if (grown.width === viewport.width && grown.height === viewport.height) return async () => {};
  await resize(screen, grown);
  return async () => {
    await resize(screen, viewport);
    await frame.evaluate(`scrollTo(${scroll.x}, ${scroll.y})`);
  };
}

/**
 * The window's content: the tab's page, or for a replay the frame element alone (its box is the whole
 * window on the console's full-window page), so no console pixel is in the picture.
 */
async function windowShot({ page, frame }: Screen): Promise<Buffer> {
  if (frame === page.mainFrame()) return page.screenshot(SHOT_OPTIONS);
  return (await frame.frameElement()).screenshot(SHOT_OPTIONS);
}

/**
 * Browser-side: puts every fixed-position element on a compositing layer of its own (`will-change: opacity`)
 * and returns the function that takes that back. Chromium composites a fixed element differently in a
 * top-level page and in a frame, and rasters what it holds at a fractional offset differently: DokuWiki's
 * page-tool icons (inline SVG at y 236.47 inside `position: fixed`) differed by up to 12 colour levels, on 12
 * pixels, between a page and the very same page framed (measured with DokuWiki served directly, no recorder).
 * With the layer asked for on both sides they match exactly. `opacity` was chosen because it changes nothing
 * else: a fixed element is a stacking context already, and unlike `transform` it does not become the
 * containing block of fixed descendants. Set through CSSOM, which no page's CSP forbids; taken back after the
 * shot, so the live visit goes on unchanged.
 */
const PROMOTE_FIXED = `(() => {
  const promoted = [];
  for (const el of document.querySelectorAll("*")) {
    if (!el.style || getComputedStyle(el).position !== "fixed") continue;
    promoted.push([el, el.style.getPropertyValue("will-change"), el.style.getPropertyPriority("will-change")]);
    el.style.setProperty("will-change", "opacity");
  }
  return () => {
    for (const [el, value, priority] of promoted)
      if (value) el.style.setProperty("will-change", value, priority);
      else el.style.removeProperty("will-change");
  };
})()`;

/**
 * Settles and takes a screenshot of the whole document with the boxes of what masking may change: elements
 * showing one of `maskedValues` (live), or a masker's stand-in matching `standIn` (in a replay: `[REDACTED]`,
 * `XXXX…1234`). Live and replayed documents are shot the same way: fixed elements on their own layers
 * (PROMOTE_FIXED), the window as large as the document (growToDocument); the boxes are measured so.
 */
export async function shoot(
  screen: Screen,
  label: string,
  maskedValues: readonly string[],
  standIn: RegExp | null = null,
): Promise<Shot> {
  await settle(screen);
  const { frame } = screen;
  const undo = await frame.evaluateHandle(PROMOTE_FIXED);
  try {
    await repaint(screen);
    const scroll = (await frame.evaluate("({ x: scrollX, y: scrollY })")) as { x: number; y: number };
    const restore = await growToDocument(screen);
    try {
      const args = `${JSON.stringify(maskedValues)}, ${JSON.stringify(standIn?.source ?? null)}`;
      const masked = (await frame.evaluate(`(${FIND_MASKED})(${args})`)) as Box[];
      const at = Date.now();
      return { label, png: await windowShot(screen), masked, scroll, at };
    } finally {
      await restore();
    }
  } finally {
    await undo.evaluate((takeBack) => (takeBack as () => void)());
    await undo.dispose();
  }
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
