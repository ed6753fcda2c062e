/**
 * matcherAdmin.* (admins only): `runNow` — one matcher pass now (the admin console's *Run now*),
 * audited as `job.matcher.run`; `runs` — the newest matcher_runs rows with every transaction they
 * signed.
 */
import { z } from "zod";
import { writeAudit } from "~/db/queries/audit";
import { listMatcherRuns } from "~/db/queries/matcher";
import { matcherRunState } from "~/db/schema";
import { AppError } from "~/server/errors";
import { adminProcedure, createTRPCRouter } from "../trpc";

export const matcherPassOutput = z.object({
  holder: z.string(),
  leader: z.boolean(),
  runId: z.number().int().nullable(),
  paused: z.boolean(),
  ordersLoaded: z.number().int(),
  fillsProposed: z.number().int(),
  fillsSettled: z.number().int(),
  fillsRefused: z.number().int(),
  whSettled: z.number().int(),
  matchTransactions: z.number().int(),
  ordersClosed: z.number().int(),
  closesRefused: z.number().int(),
  quarantined: z.number().int(),
  abandonedRuns: z.number().int(),
  errors: z.array(z.string()),
});

const attemptOutput = z.object({
  kind: z.enum(["match", "close"]),
  signature: z.string(),
  fills: z.array(z.object({ buy: z.string(), sell: z.string(), amountWh: z.string() })).optional(),
  orders: z.array(z.string()).optional(),
  outcome: z.enum(["sent", "confirmed", "refused", "failed"]),
  error: z.string().optional(),
  at: z.string(),
});

export const matcherRunOutput = z.object({
  id: z.number().int(),
  holder: z.string(),
  trigger: z.string(),
  state: z.enum(matcherRunState.enumValues),
  ordersLoaded: z.number().int(),
  fillsProposed: z.number().int(),
  fillsSettled: z.number().int(),
  fillsRefused: z.number().int(),
  whSettled: z.bigint(),
  matchTransactions: z.number().int(),
  ordersClosed: z.number().int(),
  closesRefused: z.number().int(),
  attempts: z.array(attemptOutput),
  error: z.string().nullable(),
  startedAt: z.date(),
  finishedAt: z.date().nullable(),
});

export const matcherAdminRouter = createTRPCRouter({
  runNow: adminProcedure.output(matcherPassOutput).mutation(async ({ ctx }) => {
    let summary;
    try {
      summary = await ctx.chain.runMatcher();
    } catch (err) {
      if (err instanceof AppError) throw err;
      console.error("[matcher] run now failed:", err);
      throw new AppError("MATCHER_FAILED", undefined, { cause: err });
    }
    await writeAudit(ctx.db, {
      actorId: ctx.session.userId,
      actor: ctx.session.wallet,
      action: "job.matcher.run",
      targetType: "job",
      targetId: "matcher",
      details: { ...summary, errors: summary.errors.length },
      ip: ctx.ip,
    });
    return summary;
  }),

  runs: adminProcedure
    .input(z.object({ limit: z.number().int().min(1).max(100).default(20) }).default({ limit: 20 }))
    .output(z.array(matcherRunOutput))
    .query(async ({ ctx, input }) => {
      const rows = await listMatcherRuns(ctx.db, { limit: input.limit });
      return rows.map(({ leaseUntil: _, ...r }) => r);
    }),
});
