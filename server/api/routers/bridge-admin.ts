/**
 * The admin console's THB-bridge settings: pause / unpause and set_limits, sent on chain with
 * the platform operator key (the Bridge's admin) after the server's admin check, applied to the
 * indexer's mirror at once, and audited. The bridge queue itself (queue, retry, run now) is the
 * bridge service's, in bridge.ts.
 */
import { z } from "zod";
import { writeAudit } from "~/db/queries/audit";
import { baseUnitsSchema } from "~/lib/thb-amounts";
import { bridgeAddress, pauseInstruction, setLimitsInstruction, unpauseInstruction } from "~/programs/thb_bridge/client";
import { AppError } from "~/server/errors";
import { sendSigned } from "~/server/solana/registry-actions";
import { adminProcedure, createTRPCRouter, type Context } from "../trpc";
import { chainFailure } from "./chain-errors";

export const setLimitsInput = z
  .object({
    maxPerDeposit: baseUnitsSchema,
    maxPerDay: baseUnitsSchema,
    /** How long a withdrawal may stay unpaid before anyone may refund it: 1 minute to 30 days. */
    withdrawalTimeoutSecs: z.number().int().min(60).max(30 * 86_400),
  })
  .refine((l) => l.maxPerDeposit <= l.maxPerDay, {
    message: "The per-deposit limit cannot be above the daily limit",
    path: ["maxPerDeposit"],
  });

const resultOutput = z.object({ txSignature: z.string(), paused: z.boolean() });

type AdminCtx = Context & { session: NonNullable<Context["session"]> };

async function mirror(ctx: AdminCtx, signature: string) {
  // On chain already: should the mirror fail now, the indexer's next pass writes it.
  await (await ctx.chain.indexer())
    .applySignatures([signature])
    .catch((err: unknown) => console.error(`[admin] mirroring ${signature} failed:`, err));
}

async function setPaused(ctx: AdminCtx, paused: boolean) {
  let txSignature: string;
  try {
    const c = await ctx.chain.connect();
    const bridge = await c.programs.thbBridge.account.bridge.fetchNullable(bridgeAddress(), "confirmed");
    if (!bridge) throw new AppError("CONFLICT", "The THB bridge is not set up on this network (run chain:bootstrap)");
    if (bridge.paused === paused) throw new AppError("CONFLICT", `The bridge is already ${paused ? "paused" : "running"}`);
    const ix = await (paused ? pauseInstruction : unpauseInstruction)(c.programs.thbBridge, c.operator.publicKey);
    txSignature = await sendSigned(c.programs, ix, [c.operator]);
  } catch (err) {
    throw chainFailure(err, paused ? "Pausing the bridge" : "Unpausing the bridge");
  }
  await mirror(ctx, txSignature);
  await writeAudit(ctx.db, {
    actorId: ctx.session.userId,
    actor: ctx.session.wallet,
    action: paused ? "bridge.pause" : "bridge.unpause",
    targetType: "bridge",
    targetId: bridgeAddress().toBase58(),
    details: { txSignature },
    ip: ctx.ip,
  });
  return { txSignature, paused };
}

export const bridgeAdminRouter = createTRPCRouter({
  pause: adminProcedure.output(resultOutput).mutation(({ ctx }) => setPaused(ctx, true)),
  unpause: adminProcedure.output(resultOutput).mutation(({ ctx }) => setPaused(ctx, false)),

  setLimits: adminProcedure
    .input(setLimitsInput)
    .output(z.object({ txSignature: z.string() }))
    .mutation(async ({ ctx, input }) => {
      let txSignature: string;
      let before;
      try {
        const c = await ctx.chain.connect();
        const bridge = await c.programs.thbBridge.account.bridge.fetchNullable(bridgeAddress(), "confirmed");
        if (!bridge) throw new AppError("CONFLICT", "The THB bridge is not set up on this network (run chain:bootstrap)");
        before = {
          maxPerDeposit: bridge.limits.maxPerDeposit.toString(),
          maxPerDay: bridge.limits.maxPerDay.toString(),
          withdrawalTimeoutSecs: bridge.limits.withdrawalTimeoutSecs.toString(),
        };
        const ix = await setLimitsInstruction(c.programs.thbBridge, c.operator.publicKey, {
          maxPerDeposit: input.maxPerDeposit,
          maxPerDay: input.maxPerDay,
          withdrawalTimeoutSecs: BigInt(input.withdrawalTimeoutSecs),
        });
        txSignature = await sendSigned(c.programs, ix, [c.operator]);
      } catch (err) {
        throw chainFailure(err, "Setting the bridge's limits");
      }
      await mirror(ctx, txSignature);
      await writeAudit(ctx.db, {
        actorId: ctx.session.userId,
        actor: ctx.session.wallet,
        action: "bridge.set_limits",
        targetType: "bridge",
        targetId: bridgeAddress().toBase58(),
        details: {
          from: before,
          to: {
            maxPerDeposit: input.maxPerDeposit.toString(),
            maxPerDay: input.maxPerDay.toString(),
            withdrawalTimeoutSecs: String(input.withdrawalTimeoutSecs),
          },
          txSignature,
        },
        ip: ctx.ip,
      });
      return { txSignature };
    }),
});
