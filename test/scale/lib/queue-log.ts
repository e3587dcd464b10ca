import { Log, LogLevel } from "miniflare";

/** What the local queue broker (Miniflare's, in process B) says about each batch it delivered. */
export type BrokerEvent =
  | { kind: "retry"; queue: string; message: string; at: number }
  | { kind: "dead-letter"; queue: string; message: string; at: number }
  | { kind: "batch"; queue: string; acked: number; total: number; at: number };

const ANSI = /\u001b\[[0-9;]*m/g;
const RETRY = /^Retrying message "([^"]+)" on queue "([^"]+)"/;
const DEAD = /^Moving message "([^"]+)" on queue "([^"]+)" to dead letter queue/;
const BATCH = /^QUEUE (\S+) (\d+)\/(\d+)/;

/**
 * Miniflare's log, kept: the queue broker reports every delivery's outcome ("QUEUE <name> acked/total"),
 * every message it schedules again ("Retrying message ...", at debug level) and every message it moves to
 * the dead-letter queue, through the instance's Log whatever its level. This Log records those (the
 * queue's own account of attempts, independent of the consumer's counters) and prints only warnings and
 * errors, as the default Log does.
 */
export class QueueLog extends Log {
  readonly events: BrokerEvent[] = [];

  constructor() {
    super(LogLevel.WARN);
  }

  override logWithLevel(level: LogLevel, message: string): void {
    const text = message.replace(ANSI, "");
    const at = performance.now();
    let m: RegExpExecArray | null;
    if ((m = RETRY.exec(text))) this.events.push({ kind: "retry", message: m[1]!, queue: m[2]!, at });
    else if ((m = DEAD.exec(text)))
      this.events.push({ kind: "dead-letter", message: m[1]!, queue: m[2]!, at });
    else if ((m = BATCH.exec(text)))
      this.events.push({ kind: "batch", queue: m[1]!, acked: Number(m[2]), total: Number(m[3]), at });
    super.logWithLevel(level, message);
  }

  retries(queue: string): { message: string; at: number }[] {
    return this.events.flatMap((e) => (e.kind === "retry" && e.queue === queue ? [e] : []));
  }
}
