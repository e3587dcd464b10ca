import { defineConfig } from "vitest/config";

/**
 * The real-applications suite runs in Node, like test/browser: each file starts an application no one here
 * wrote (DokuWiki from Debian, Verdaccio from npm), the Worker under Miniflare in front of it with its state
 * on disk, and Debian's Chromium through playwright-core (see README "Real applications").
 */
export default defineConfig({
  test: {
    include: ["test/apps/**/*.test.ts"],
    environment: "node",
    testTimeout: 180_000,
    hookTimeout: 300_000,
    fileParallelism: false,
  },
});
