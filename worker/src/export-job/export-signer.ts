import { isLoopbackHost } from "../config/sites.ts";
import { VerbatimError } from "../errors/verbatim-error.ts";
import { devExportSigner, exportSignerFromPkcs8, type ExportSigner } from "../export/wacz-signing.ts";

export type ExportKeyEnv = { EXPORT_SIGNING_KEY?: string; VERBATIM_SECRET?: string; CONSOLE_HOST?: string };

const cache = new Map<string, Promise<ExportSigner>>();

/**
 * The key that signs WACZ exports (datapackage-digest.json, anonymous ECDSA P-384). Production:
 * EXPORT_SIGNING_KEY (`npm run keys`). Local dev (console on a loopback name): derived from VERBATIM_SECRET,
 * so exports made by `npm start` verify against the same published key after a restart. Elsewhere, without
 * the key, exports are refused: a signature by a guessable key proves nothing.
 */
export function exportSigner(env: ExportKeyEnv): Promise<ExportSigner> {
  const configured = env.EXPORT_SIGNING_KEY?.trim() ?? "";
  const local = isLoopbackHost(env.CONSOLE_HOST ?? "console.localhost") && (env.VERBATIM_SECRET ?? "") !== "";
  if (configured === "" && !local)
    return Promise.reject(
      new VerbatimError(
        "not_configured",
        "EXPORT_SIGNING_KEY is not set: exports cannot be signed (create one with `npm run keys`)",
      ),
    );
  const material = configured !== "" ? `key:${configured}` : `dev:${env.VERBATIM_SECRET ?? ""}`;
  let signer = cache.get(material);
  if (!signer) {
    signer =
      configured !== "" ? exportSignerFromPkcs8(configured) : devExportSigner(env.VERBATIM_SECRET ?? "");
    signer.catch(() => cache.delete(material));
    cache.set(material, signer);
  }
  return signer;
}
