import { WorkflowEntrypoint, type WorkflowEvent, type WorkflowStep } from "cloudflare:workers";
import type { Env } from "../env.ts";
import { VerbatimError } from "../errors/verbatim-error.ts";
import { errorKind } from "../log/log.ts";
import { ExportTable } from "./export-table.ts";
import { finishExport, type ExportSummary } from "./finish-export.ts";
import { initialState, type ExportParams } from "./job-state.ts";
import { planExport } from "./plan-export.ts";
import { writeSlice } from "./write-slice.ts";

/** Each step is retried on its own: a failed slice resumes from the last finished one, not from the start. */
const STEP = {
  retries: { limit: 4, delay: "5 seconds", backoff: "exponential" },
  timeout: "10 minutes",
} as const;

/**
 * An export as a durable background job (Cloudflare Workflows; wrangler runs it locally): plan, one step
 * per slice of at most 2,000 exchanges, finish. Every step streams into one R2 multipart upload and hands
 * the next step only a small state (the zip's entry list, the parts, the key of its carry), so memory is
 * bounded by a slice and a part, never by the day's size. Progress goes to the exports table after every
 * step; a job that fails for good says why there.
 */
export class ExportWorkflow extends WorkflowEntrypoint<Env, ExportParams> {
  override async run(event: WorkflowEvent<ExportParams>, step: WorkflowStep): Promise<ExportSummary> {
    const job = event.payload;
    const table = new ExportTable(this.env.DB);
    try {
      const plan = await step.do("plan", STEP, () => planExport(this.env, job));
      let state = initialState();
      for (let n = 1; n <= plan.slices; n++) {
        const before = state;
        state = await step.do(`slice ${n}`, STEP, async () => {
          const after = await writeSlice(this.env, job, plan, n, before);
          await table.progress(job.id, { slices_done: n, records: after.records, bytes: after.written });
          return after;
        });
      }
      return await step.do("finish", STEP, () => finishExport(this.env, job, plan, state));
    } catch (error) {
      const reason =
        error instanceof VerbatimError ? error.message : `export step failed (${errorKind(error)})`;
      await step.do("record the failure", async () => {
        await table.progress(job.id, { status: "failed", error: reason });
        return reason;
      });
      throw error;
    }
  }
}
