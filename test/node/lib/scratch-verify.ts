import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { VerifyReport } from "../../../scripts/lib/verify/report.ts";
import { verifyExport, type VerifyOptions } from "../../../scripts/lib/verify/verify-export.ts";

/**
 * The verifier reads exports from disk (by offset, as it must for many-GB files), so each export a test
 * makes is written to its own file in a scratch directory that the suite removes afterwards.
 */
export class ScratchVerifier {
  readonly #dir: string;
  #count = 0;

  private constructor(dir: string) {
    this.#dir = dir;
  }

  static async create(): Promise<ScratchVerifier> {
    return new ScratchVerifier(await mkdtemp(join(tmpdir(), "verbatim-verify-")));
  }

  async verify(wacz: Uint8Array, options: VerifyOptions = {}): Promise<VerifyReport> {
    const path = join(this.#dir, `export-${++this.#count}.wacz`);
    await writeFile(path, wacz);
    return verifyExport(path, options);
  }

  remove(): Promise<void> {
    return rm(this.#dir, { recursive: true, force: true });
  }
}
