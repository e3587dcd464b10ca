import type { ZipEntryInfo } from "./zip-writer.ts";

/**
 * datapackage.json of the export (WACZ 1.2.0 "datapackage.json"): every other entry of the zip with its
 * SHA-256 and size, the collection's description, and `home` (the first page) for replay tools.
 *
 * One departure from WACZ 1.2.0: `profile` is "data-package" (Frictionless's own, as WACZ 1.1.1 had it),
 * not "wacz". ReplayWeb.page's loader (wabac.js waczimporter.ts) accepts "data-package", "wacz-package" or
 * none and throws "Unknown package profile" on anything else, "wacz" included. Like 1.2.0, there is no
 * `wacz_version` and no mainPageUrl/mainPageDate.
 */
export type DatapackageMeta = {
  title: string;
  /** Markdown (plain text is Markdown). */
  description?: string;
  /** RFC 3339; the same string goes into datapackage-digest.json's signedData.created. */
  created: string;
  software: string;
  home?: { url: string; ts: string };
};

/** The package's own files are not resources of it (WACZ signing: the digest file covers datapackage.json). */
const NOT_RESOURCES: ReadonlySet<string> = new Set(["datapackage.json", "datapackage-digest.json"]);

export function datapackageJson(entries: readonly ZipEntryInfo[], meta: DatapackageMeta): string {
  const resources = entries
    .filter((e) => !NOT_RESOURCES.has(e.name))
    .map((e) => ({
      name: e.name.slice(e.name.lastIndexOf("/") + 1),
      path: e.name,
      hash: `sha256:${e.sha256}`,
      bytes: e.size,
    }));
  const pkg = {
    profile: "data-package",
    title: meta.title,
    ...(meta.description !== undefined ? { description: meta.description } : {}),
    created: meta.created,
    software: meta.software,
    ...(meta.home ? { home: meta.home } : {}),
    resources,
  };
  return JSON.stringify(pkg, null, 2);
}
