/**
 * The admin console: meters by status with Activate/Suspend (executed on chain with the platform
 * operator key, which is the Registry authority, after the admin check; then mirrored by the
 * indexer and audited), "run the mint poller now" with its summary, the mint queue's job status, and the
 * indexer's dead letters with Retry (audited).
 */
import { z } from "zod";
import { writeAudit } from "~/db/queries/audit";
import { listMetersForAdmin } from "~/db/queries/dashboard";
import { getMeterByMeterId } from "~/db/queries/meters";
import { mintQueueStats } from "~/db/queries/mint-jobs";
import { listOpenDeadLetters } from "~/db/queries/indexer-dead-letters";
import { retryDeadLetter } from "~/server/indexer/dead-letters";
import { eventBus } from "~/server/redis/event-bus";
import { AppError } from "~/server/errors";
import { setMeterStatusOnChain } from "~/server/solana/registry-actions";
import { adminProcedure, createTRPCRouter } from "../trpc";
import { chainFailure } from "./chain-errors";
import { meterSummaryOutput } from "./meters";

export const setStatusInput = z.object({
  meterId: z.string().trim().min(1).max(64),
  status: z.enum(["active", "suspended"]),
});

const pollerSummaryOutput = z.object({
  meters: z.number(),
  claimed: z.number(),
  confirmed: z.number(),
  duplicates: z.number(),
  failed: z.number(),
  deferred: z.number(),
  settlements: z.number(),
  mintedWh: z.string(),
  transactions: z.number(),
  errors: z.array(z.string()),
  durationMs: z.number(),
});

const deadLetterOutput = z.object({
  id: z.number(),
  signature: z.string(),
  program: z.string(),
  slot: z.number(),
  error: z.string(),
  attempts: z.number(),
  firstFailedAt: z.date(),
  lastFailedAt: z.date(),
  resolvedAt: z.date().nullable(),
});

export const adminRouter = createTRPCRouter({
  meters: createTRPCRouter({
    list: adminProcedure
      .input(
        z
          .object({
            status: z.enum(["pending", "active", "suspended"]).optional(),
            limit: z.number().int().min(1).max(200).default(100),
          })
          .default({ limit: 100 }),
      )
      .output(z.array(meterSummaryOutput))
      .query(({ ctx, input }) =>
        listMetersForAdmin(ctx.db, { ...(input.status ? { status: input.status } : {}), limit: input.limit }),
      ),

    setStatus: adminProcedure
      .input(setStatusInput)
      .output(z.object({ meterId: z.string(), status: z.enum(["active", "suspended"]), txSignature: z.string() }))
      .mutation(async ({ ctx, input }) => {
        const meter = await getMeterByMeterId(ctx.db, { meterId: input.meterId });
        if (!meter) throw new AppError("NOT_FOUND", `No meter ${input.meterId}`);
        if (meter.status === input.status) {
          throw new AppError("CONFLICT", `The meter is already ${input.status}`);
        }
        let txSignature: string;
        try {
          const c = await ctx.chain.connect();
          txSignature = await setMeterStatusOnChain(c.programs, {
            authority: c.operator,
            meterId: input.meterId,
            status: input.status,
          });
        } catch (err) {
          throw chainFailure(err, `Setting meter ${input.meterId} ${input.status}`);
        }
        // The indexer mirrors it; applying it now lets the console and the gateway see it at once.
        // It is on chain already: should the mirror fail now, the indexer's next pass writes it.
        await (await ctx.chain.indexer())
          .applySignatures([txSignature])
          .catch((err: unknown) => console.error(`[admin] mirroring ${txSignature} failed:`, err));
        await writeAudit(ctx.db, {
          actorId: ctx.session.userId,
          actor: ctx.session.wallet,
          action: input.status === "active" ? "meter.activate" : "meter.suspend",
          targetType: "meter",
          targetId: input.meterId,
          details: { from: meter.status, to: input.status, txSignature },
          ip: ctx.ip,
        });
        return { meterId: input.meterId, status: input.status, txSignature };
      }),
  }),

  poller: createTRPCRouter({
    run: adminProcedure.output(pollerSummaryOutput).mutation(async ({ ctx }) => {
      // The indexer records what this run mints (history, prices); a failure to start it (it
      // retries on the next call) must not stop the run itself.
      await ctx.chain.indexer().catch((err: unknown) => console.error("[admin] indexer not started:", err));
      let summary;
      try {
        summary = await ctx.chain.runPoller();
      } catch (err) {
        throw chainFailure(err, "The mint poller");
      }
      await writeAudit(ctx.db, {
        actorId: ctx.session.userId,
        actor: ctx.session.wallet,
        action: "job.mint_poller.run",
        targetType: "job",
        targetId: "mint-poller",
        details: { ...summary },
        ip: ctx.ip,
      });
      return summary;
    }),

    status: adminProcedure
      .output(
        z.object({
          pending: z.number(),
          submitted: z.number(),
          confirmed: z.number(),
          failed: z.number(),
          minted: z.number(),
        }),
      )
      .query(({ ctx }) => mintQueueStats(ctx.db)),
  }),

  indexer: createTRPCRouter({
    deadLetters: adminProcedure
      .input(z.object({ limit: z.number().int().min(1).max(200).default(50) }).default({ limit: 50 }))
      .output(z.array(deadLetterOutput))
      .query(({ ctx, input }) => listOpenDeadLetters(ctx.db, { limit: input.limit })),

    /** Re-fetch the transaction from the chain and apply it again; resolved or one more attempt. */
    retryDeadLetter: adminProcedure
      .input(z.object({ id: z.number().int().positive() }))
      .output(z.object({ outcome: z.enum(["resolved", "failed"]), deadLetter: deadLetterOutput }))
      .mutation(async ({ ctx, input }) => {
        const c = await ctx.chain.connect();
        const bus = ctx.eventBus ?? eventBus;
        const result = await retryDeadLetter({
          db: ctx.db,
          connection: c.connection,
          programs: c.programs,
          id: input.id,
          publish: (channel, payload) => bus.publish(channel, payload),
        });
        const dl = result.deadLetter;
        await writeAudit(ctx.db, {
          actorId: ctx.session.userId,
          actor: ctx.session.wallet,
          action: "indexer.dead_letter.retry",
          targetType: "indexer_dead_letter",
          targetId: String(dl.id),
          details: {
            signature: dl.signature,
            program: dl.program,
            outcome: result.outcome,
            attempts: dl.attempts,
            ...(result.outcome === "failed" ? { error: dl.error } : {}),
          },
          ip: ctx.ip,
        });
        return result;
      }),
  }),
});
