import type { Rgb } from "./png.ts";

/** Design size of the product picture in CSS pixels; the @2x file renders the same design at twice this. */
export const PRODUCT_IMAGE_SIZE = { width: 64, height: 48 } as const;

/** A house on a lawn, as rectangles in design pixels. Later rows paint over earlier ones. */
const BLOCKS: readonly { x: number; y: number; w: number; h: number; colour: Rgb }[] = [
  { x: 0, y: 0, w: 64, h: 48, colour: [219, 234, 254] }, // sky
  { x: 0, y: 38, w: 64, h: 10, colour: [22, 163, 74] }, // lawn
  { x: 16, y: 12, w: 32, h: 8, colour: [185, 28, 28] }, // roof
  { x: 18, y: 20, w: 28, h: 18, colour: [245, 158, 11] }, // walls
  { x: 29, y: 27, w: 6, h: 11, colour: [30, 58, 138] }, // door
  { x: 21, y: 23, w: 5, h: 5, colour: [255, 255, 255] }, // window
  { x: 38, y: 23, w: 5, h: 5, colour: [255, 255, 255] }, // window
  { x: 50, y: 4, w: 8, h: 8, colour: [250, 204, 21] }, // sun
];

/** Colour at design coordinates; `scale` maps device pixels back to design pixels. */
export function productPixel(scale: number): (x: number, y: number) => Rgb {
  const topmostFirst = [...BLOCKS].reverse();
  return (x, y) => {
    const dx = Math.floor(x / scale);
    const dy = Math.floor(y / scale);
    const block = topmostFirst.find((b) => dx >= b.x && dx < b.x + b.w && dy >= b.y && dy < b.y + b.h);
    return block?.colour ?? [0, 0, 0];
  };
}
