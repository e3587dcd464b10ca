/** The part of pngjs (which ships no types) the browser suite uses: decode a PNG to RGBA. */
declare module "pngjs" {
  export class PNG {
    width: number;
    height: number;
    data: Buffer;
    constructor(options?: { width?: number; height?: number });
    static sync: { read(buffer: Buffer): PNG; write(png: PNG): Buffer };
  }
}
