import { resolve } from "node:path";
import { unstable_readConfig } from "wrangler";
import { defineConfig } from "vitest/config";

/**
 * Tests that need Node rather than workerd: the masking corpus reads the project's own node_modules from
 * disk, which workerd cannot. The maskers are pure code, so Node runs the same functions the Worker runs.
 * The policy alias is mapped as in the root config, for tests that import mask/index.ts.
 */
const wrangler = unstable_readConfig({ config: "./wrangler.toml" });
const policyPath = wrangler.alias?.["verbatim-policy"];
if (!policyPath) throw new Error('wrangler.toml must alias "verbatim-policy" to a policy file');

export default defineConfig({
  resolve: { alias: { "verbatim-policy": resolve(policyPath) } },
  test: {
    include: ["test/node/**/*.test.ts"],
    environment: "node",
    // The corpus takes ~40 s of CPU; on a shared machine under load its wall time has reached ~160 s.
    testTimeout: 300_000,
    hookTimeout: 300_000,
  },
});
