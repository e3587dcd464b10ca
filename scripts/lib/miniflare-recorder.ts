import { unstable_readConfig } from "wrangler";

/**
 * The recording path's bindings (Durable Objects, records queue and its dead-letter queue, the export Workflow) as Miniflare
 * options, read from wrangler.toml by wrangler itself, so every harness that runs the Worker under a bare
 * Miniflare (browser tests, real applications, benchmarks) runs the same topology `wrangler dev` does.
 * `batchTimeoutS` overrides the consumers' max_batch_timeout (harnesses that wait for the index use 0).
 */
export function recorderMiniflareOptions(
  configPath: string,
  options: { batchTimeoutS?: number } = {},
): {
  durableObjects: Record<string, { className: string; useSQLite: boolean }>;
  queueProducers: Record<string, { queueName: string }>;
  queueConsumers: Record<
    string,
    { maxBatchSize?: number; maxBatchTimeout?: number; maxRetries?: number; deadLetterQueue?: string }
  >;
  workflows: Record<string, { name: string; className: string }>;
} {
  const config = unstable_readConfig({ config: configPath });
  const sqlite = new Set(
    config.migrations.flatMap((m: { new_sqlite_classes?: string[] }) => m.new_sqlite_classes ?? []),
  );
  const durableObjects: Record<string, { className: string; useSQLite: boolean }> = {};
  for (const binding of config.durable_objects.bindings) {
    durableObjects[binding.name] = {
      className: binding.class_name,
      useSQLite: sqlite.has(binding.class_name),
    };
  }
  const queueProducers: Record<string, { queueName: string }> = {};
  for (const producer of config.queues.producers ?? []) {
    queueProducers[producer.binding] = { queueName: producer.queue };
  }
  const queueConsumers: ReturnType<typeof recorderMiniflareOptions>["queueConsumers"] = {};
  for (const consumer of config.queues.consumers ?? []) {
    queueConsumers[consumer.queue] = {
      ...(consumer.max_batch_size === undefined ? {} : { maxBatchSize: consumer.max_batch_size }),
      ...(options.batchTimeoutS !== undefined
        ? { maxBatchTimeout: options.batchTimeoutS }
        : consumer.max_batch_timeout === undefined
          ? {}
          : { maxBatchTimeout: consumer.max_batch_timeout }),
      ...(consumer.max_retries === undefined ? {} : { maxRetries: consumer.max_retries }),
      ...(consumer.dead_letter_queue === undefined ? {} : { deadLetterQueue: consumer.dead_letter_queue }),
    };
  }
  const workflows: Record<string, { name: string; className: string }> = {};
  for (const workflow of config.workflows ?? []) {
    workflows[workflow.binding] = { name: workflow.name, className: workflow.class_name };
  }
  return { durableObjects, queueProducers, queueConsumers, workflows };
}
