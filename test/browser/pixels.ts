import pixelmatch from "pixelmatch";
import { PNG } from "pngjs";

export type Box = { x: number; y: number; width: number; height: number };

/**
 * Compares two screenshots. `differing` is pixelmatch's count with threshold 0 (any colour change counts,
 * anti-aliasing included); `outside` counts differing pixels that lie outside every box in `allowed`.
 */
export function comparePngs(
  a: Buffer,
  b: Buffer,
  allowed: readonly Box[] = [],
): { differing: number; outside: number; size: [number, number]; diff: Buffer } {
  const one = PNG.sync.read(a);
  const two = PNG.sync.read(b);
  if (one.width !== two.width || one.height !== two.height) {
    throw new Error(`screenshots differ in size: ${one.width}x${one.height} vs ${two.width}x${two.height}`);
  }
  const { width, height } = one;
  const diff = new PNG({ width, height });
  const differing = pixelmatch(one.data, two.data, diff.data, width, height, {
    threshold: 0,
    includeAA: true,
  });
  let outside = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      const same =
        one.data[i] === two.data[i] &&
        one.data[i + 1] === two.data[i + 1] &&
        one.data[i + 2] === two.data[i + 2] &&
        one.data[i + 3] === two.data[i + 3];
      if (same) continue;
      const inside = allowed.some(
        (box) => x >= box.x && x < box.x + box.width && y >= box.y && y < box.y + box.height,
      );
      if (!inside) outside++;
    }
  }
  return { differing, outside, size: [width, height], diff: PNG.sync.write(diff) };
}
