import { defineConfig } from "vitest/config";

/**
 * The load and fault suite (issue 8) runs in Node: it bundles the Worker as wrangler would deploy it and runs
 * it as three workerd processes (bench/lib/topology.ts, "split") with real local Durable Objects and Queues,
 * the demo shop on loopback as origin, and drives 1,000 visitors through it while killing the consumer,
 * refusing queue sends and failing a batch. About two minutes on 2 cores.
 */
/**
 * The faults are injected on purpose and each failure they cause is counted and asserted by the suite: their
 * log lines from the recorder processes (one per refused queue send, one per failed batch) are dropped.
 */
const EXPECTED = /"event":"recorder_failure".*"stage":"(queue|d1)"/;

export default defineConfig({
  test: {
    // SCALE_VERBOSE=1 shows them all.
    onConsoleLog: (line) => (EXPECTED.test(line) && !process.env["SCALE_VERBOSE"] ? false : undefined),
    include: ["test/scale/**/*.test.ts"],
    environment: "node",
    testTimeout: 120_000,
    hookTimeout: 300_000,
    fileParallelism: false,
  },
});
