import { defineConfig } from "vitest/config";

/**
 * The browser end-to-end suite runs in Node (not workerd): it builds the Worker as wrangler would deploy
 * it, runs it under Miniflare with the demo shop on loopback, and drives Debian's Chromium with
 * playwright-core (`apt-get install -y chromium`; never `npx playwright install`).
 */
export default defineConfig({
  test: {
    include: ["test/browser/**/*.e2e.test.ts"],
    environment: "node",
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
