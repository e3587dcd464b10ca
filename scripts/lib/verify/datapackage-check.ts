import { hashEntry } from "./entry-hash.ts";
import { VerifyFailure } from "./failure.ts";
import { isCount, isObject, parseJson, SHA256_PREFIXED } from "./json-shape.ts";
import { ENTRY } from "./layout.ts";
import type { ZipFile } from "./zip-file.ts";

/**
 * Step 1 of docs/evidence.md §3: `datapackage.json` lists every entry of the package (WACZ 1.2
 * "resources": name, path, `sha256:<hex>`, bytes) and each entry's bytes hash to what it says. The two
 * datapackage files are the only entries not listed (the package cannot hash itself; the digest file
 * hashes it). Each entry's CRC-32 is checked against the zip's directory in the same pass.
 */
export type DatapackageResult = {
  resources: number;
  bytes: number;
  /** What the package says about itself, for the report. */
  created: string | undefined;
  software: string | undefined;
};

type Resource = { path: string; hash: string; bytes: number };

export async function checkDatapackage(
  zip: ZipFile,
  onProgress?: (path: string) => void,
): Promise<DatapackageResult> {
  const file = ENTRY.datapackage;
  const entry = zip.entry(file);
  if (!entry) throw new VerifyFailure("zip", { file }, "is missing from the export");
  const text = new TextDecoder().decode(await zip.read(entry));
  const json = parseJson(text);
  if (!isObject(json)) throw new VerifyFailure("datapackage", { file }, "is not a JSON object");
  if (!Array.isArray(json["resources"]))
    throw new VerifyFailure("datapackage", { file }, 'has no "resources" list');

  const resources = new Map<string, Resource>();
  json["resources"].forEach((value: unknown, i) => {
    const resource = readResource(value);
    if (!resource) {
      throw new VerifyFailure(
        "datapackage",
        { file },
        `resource ${i + 1} is not {name, path, hash: "sha256:<hex>", bytes}`,
      );
    }
    if (resources.has(resource.path)) {
      throw new VerifyFailure("datapackage", { file }, `lists ${resource.path} twice`);
    }
    resources.set(resource.path, resource);
  });

  const unlisted = new Set<string>([ENTRY.datapackage, ENTRY.datapackageDigest]);
  for (const { name } of zip.entries) {
    if (!unlisted.has(name) && !resources.has(name)) {
      throw new VerifyFailure(
        "datapackage",
        { file: name },
        "is in the zip but not listed in datapackage.json",
      );
    }
  }
  let bytes = 0;
  for (const resource of resources.values()) {
    const listed = zip.entry(resource.path);
    if (!listed) {
      throw new VerifyFailure(
        "datapackage",
        { file: resource.path },
        "is listed in datapackage.json but missing from the zip",
      );
    }
    onProgress?.(resource.path);
    if (listed.size !== resource.bytes) {
      throw new VerifyFailure(
        "datapackage",
        { file: resource.path },
        `is ${listed.size} bytes, datapackage.json says ${resource.bytes}`,
      );
    }
    const actual = await hashEntry(zip, listed);
    if (`sha256:${actual.sha256}` !== resource.hash) {
      throw new VerifyFailure(
        "datapackage",
        { file: resource.path },
        `SHA-256 is ${actual.sha256}, datapackage.json says ${resource.hash.slice(7)}`,
      );
    }
    // The SHA-256 first: it is the check that says the file changed. With it matching, a CRC-32
    // mismatch means the zip's directory was edited, not the file.
    if (actual.crc32 !== listed.crc32) {
      throw new VerifyFailure(
        "zip",
        { file: resource.path },
        "CRC-32 of its bytes differs from the zip directory's",
      );
    }
    bytes += listed.size;
  }
  const text1 = (key: string) => (typeof json[key] === "string" ? json[key] : undefined);
  return { resources: resources.size, bytes, created: text1("created"), software: text1("software") };
}

function readResource(value: unknown): Resource | null {
  if (!isObject(value)) return null;
  const { path, hash, bytes } = value;
  if (
    typeof path !== "string" ||
    typeof hash !== "string" ||
    !SHA256_PREFIXED.test(hash) ||
    !isCount(bytes)
  ) {
    return null;
  }
  return { path, hash, bytes };
}
