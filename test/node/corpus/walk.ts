import { createHash } from "node:crypto";
import { readdir, readFile, stat } from "node:fs/promises";
import { basename, extname, join, relative } from "node:path";

/**
 * The media type each corpus extension is served with: what a static file server (and so the origin behind
 * the recorder) would send, so each file reaches the masker that would read it in production.
 */
export const SERVED_TYPES = {
  ".js": "text/javascript",
  ".mjs": "text/javascript",
  ".json": "application/json",
  ".html": "text/html; charset=utf-8",
  ".css": "text/css",
  ".svg": "image/svg+xml",
} as const satisfies Record<string, string>;

export type CorpusExtension = keyof typeof SERVED_TYPES;

export type CorpusFile = {
  /** Path relative to the project root, with forward slashes. */
  path: string;
  extension: CorpusExtension;
  contentType: string;
  bytes: Uint8Array;
};

export type Walked = {
  files: CorpusFile[];
  /** Files over the size cap, never masked (listed so the cap is visible, not silent). */
  oversized: string[];
  /** Files whose bytes and served type equal an earlier file's (a package installed twice): masked once. */
  duplicates: number;
  symlinks: number;
};

/**
 * A guard, not a sample: the largest file in node_modules today is a 15 MB bundle (wrangler's CLI), and
 * every file up to this size is masked. Anything larger is listed in `oversized`, never dropped silently.
 */
export const DEFAULT_MAX_BYTES = 32 * 2 ** 20;

function corpusExtension(name: string): CorpusExtension | null {
  const extension = extname(name).toLowerCase();
  return extension in SERVED_TYPES ? (extension as CorpusExtension) : null;
}

/**
 * Every corpus file under `dir`, in a stable order (sorted names, depth first). Symlinks are skipped (they
 * point at files walked anyway), identical contents are kept once, dot-entries of node_modules are skipped.
 */
export async function walkCorpus(
  root: string,
  dir: string,
  maxBytes: number = DEFAULT_MAX_BYTES,
): Promise<Walked> {
  const walked: Walked = { files: [], oversized: [], duplicates: 0, symlinks: 0 };
  const seen = new Set<string>();
  const visit = async (folder: string): Promise<void> => {
    const entries = await readdir(folder, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const inNodeModules = basename(folder) === "node_modules";
    for (const entry of entries) {
      const full = join(folder, entry.name);
      // npm's and tools' own entries (.bin, .package-lock.json, .vite, .vitest-cache): not package files,
      // and rewritten by every install or test run, which would make the corpus drift.
      if (inNodeModules && entry.name.startsWith(".")) continue;
      if (entry.isSymbolicLink()) {
        walked.symlinks++;
        continue;
      }
      if (entry.isDirectory()) {
        await visit(full);
        continue;
      }
      const extension = entry.isFile() ? corpusExtension(entry.name) : null;
      if (extension === null) continue;
      const path = relative(root, full).split("\\").join("/");
      if ((await stat(full)).size > maxBytes) {
        walked.oversized.push(path);
        continue;
      }
      const bytes = new Uint8Array(await readFile(full));
      const contentType = SERVED_TYPES[extension];
      const digest = `${contentType} ${createHash("sha256").update(bytes).digest("hex")}`;
      if (seen.has(digest)) {
        walked.duplicates++;
        continue;
      }
      seen.add(digest);
      walked.files.push({ path, extension, contentType, bytes });
    }
  };
  await visit(dir);
  return walked;
}
