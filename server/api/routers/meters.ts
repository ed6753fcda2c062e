/**
 * The signed-in user's meters: list with activation state and minted totals, what the browser
 * needs to build and sign register_user / register_meter itself (the server never signs for a
 * user), readings pages, hourly/daily production and consumption, and GRID mint history.
 */
import { sqlState } from "~/db/retry";
import { PublicKey } from "@solana/web3.js";
import { z } from "zod";
import {
  getMeterOwned,
  listMetersOfOwner,
  listMintsOfWallet,
  listReadingsPage,
  readingStats,
} from "~/db/queries/dashboard";
import { getMeterByMeterId } from "~/db/queries/meters";
import { getUserByWallet } from "~/db/queries/users";
import { MAX_METER_ID_LEN } from "~/lib/meter-reading";
import { REGISTRY_ID, meterAddress, registryAddress, userAddress } from "~/programs/registry/client";
import { ENERGY_TOKEN_ID, gridAccountAddress, gridMintAddress } from "~/programs/energy_token/client";
import { AppError } from "~/server/errors";
import type { ChainContext } from "../chain-context";
import { createTRPCRouter, signedInProcedure } from "../trpc";
import { chainFailure } from "./chain-errors";

export const meterSummaryOutput = z.object({
  meterId: z.string(),
  publicKey: z.string(),
  type: z.enum(["solar", "wind", "battery", "consumption"]),
  zone: z.string(),
  ratedCapacityW: z.number().int(),
  status: z.enum(["pending", "active", "suspended"]),
  pdaAddress: z.string().nullable(),
  ownerWallet: z.string(),
  mintedWh: z.bigint(),
  readingsTotal: z.number().int(),
  readingsPending: z.number().int(),
  readingsFailed: z.number().int(),
  productionWh: z.bigint(),
  consumptionWh: z.bigint(),
  lastReadingAt: z.date().nullable(),
  createdAt: z.date(),
});

const meterIdSchema = z
  .string()
  .trim()
  .min(1)
  .refine(
    (s) => new TextEncoder().encode(s).length <= MAX_METER_ID_LEN,
    `at most ${MAX_METER_ID_LEN} bytes`,
  );

/** A transaction signature: base58 of 64 bytes (87 or 88 characters). */
const transactionSignatureSchema = z
  .string()
  .regex(/^[1-9A-HJ-NP-Za-km-z]{64,88}$/, "a base58 transaction signature");

export const readingsInput = z.object({
  meterId: meterIdSchema,
  limit: z.number().int().min(1).max(100).default(20),
  cursor: z.number().int().positive().nullish(),
});

export const statsInput = z.object({
  meterId: meterIdSchema.optional(),
  bucket: z.enum(["hour", "day"]).default("hour"),
  /** How far back, in days. */
  days: z.number().int().min(1).max(366).default(2),
});

async function assertOwnsMeter(
  ctx: { db: Parameters<typeof getMeterOwned>[0]; session: { userId: string; role: string } },
  meterId: string,
) {
  if (ctx.session.role === "admin") return;
  const owned = await getMeterOwned(ctx.db, { meterId, ownerId: ctx.session.userId });
  if (!owned) throw new AppError("NOT_FOUND", "No such meter among yours");
}

type MeterSummary = Awaited<ReturnType<typeof listMetersOfOwner>>[number];

/**
 * Minted totals from the Meter accounts themselves (one getMultipleAccounts): the chain is the
 * truth and the database mirror lags behind the indexer. When the chain cannot be read, the
 * mirror is shown as it is.
 */
async function withChainTrackers(
  chain: ChainContext,
  list: MeterSummary[],
): Promise<MeterSummary[]> {
  if (list.length === 0) return list;
  try {
    const { programs } = await chain.connect();
    const accounts = await programs.registry.account.meter.fetchMultiple(
      list.map((m) => meterAddress(m.meterId)),
      "confirmed",
    );
    return list.map((m, i) => {
      const account = accounts[i];
      if (!account) return m;
      const onChain = BigInt(account.settledNetGen.toString());
      return onChain > m.mintedWh ? { ...m, mintedWh: onChain } : m;
    });
  } catch {
    return list;
  }
}

export const metersRouter = createTRPCRouter({
  mine: signedInProcedure
    .output(z.array(meterSummaryOutput))
    .query(async ({ ctx }) =>
      withChainTrackers(
        ctx.chain,
        await listMetersOfOwner(ctx.db, { ownerId: ctx.session.userId }),
      ),
    ),

  registrationData: signedInProcedure
    .output(
      z.object({
        wallet: z.string(),
        registryProgramId: z.string(),
        energyTokenProgramId: z.string(),
        registryPda: z.string(),
        userPda: z.string(),
        userRegisteredOnChain: z.boolean(),
        registryInitialized: z.boolean(),
        gridMint: z.string(),
        gridAccount: z.string(),
        maxMeterIdBytes: z.number().int(),
      }),
    )
    .query(async ({ ctx }) => {
      const wallet = new PublicKey(ctx.session.wallet);
      const user = userAddress(wallet);
      let infos;
      try {
        const { connection } = await ctx.chain.connect();
        infos = await connection.getMultipleAccountsInfo(
          [user, registryAddress()],
          "confirmed",
        );
      } catch (err) {
        throw chainFailure(err, "Reading the registry");
      }
      return {
        wallet: wallet.toBase58(),
        registryProgramId: REGISTRY_ID.toBase58(),
        energyTokenProgramId: ENERGY_TOKEN_ID.toBase58(),
        registryPda: registryAddress().toBase58(),
        userPda: user.toBase58(),
        userRegisteredOnChain: infos[0]?.owner.equals(REGISTRY_ID) ?? false,
        registryInitialized: infos[1] != null,
        gridMint: gridMintAddress().toBase58(),
        gridAccount: gridAccountAddress(wallet).toBase58(),
        maxMeterIdBytes: MAX_METER_ID_LEN,
      };
    }),

  readings: signedInProcedure
    .input(readingsInput)
    .output(
      z.object({
        items: z.array(
          z.object({
            id: z.number().int(),
            meterId: z.string(),
            productionWh: z.bigint(),
            consumptionWh: z.bigint(),
            readingAt: z.date(),
            state: z.enum(["pending", "submitted", "confirmed", "failed", "covered"]),
            minted: z.boolean(),
            txSignature: z.string().nullable(),
            failureReason: z.string().nullable(),
          }),
        ),
        nextCursor: z.number().int().nullable(),
      }),
    )
    .query(async ({ ctx, input }) => {
      await assertOwnsMeter(ctx, input.meterId);
      return listReadingsPage(ctx.db, {
        meterId: input.meterId,
        limit: input.limit,
        cursor: input.cursor ?? null,
      });
    }),

  stats: signedInProcedure
    .input(statsInput)
    .output(
      z.array(z.object({ at: z.date(), productionWh: z.bigint(), consumptionWh: z.bigint() })),
    )
    .query(async ({ ctx, input }) => {
      if (input.meterId) await assertOwnsMeter(ctx, input.meterId);
      const since = new Date(Date.now() - input.days * 86_400_000);
      return readingStats(ctx.db, {
        ownerId: ctx.session.userId,
        ...(input.meterId ? { meterId: input.meterId } : {}),
        bucket: input.bucket,
        since,
      });
    }),

  mints: signedInProcedure
    .input(z.object({ limit: z.number().int().min(1).max(100).default(20) }).default({ limit: 20 }))
    .output(
      z.object({
        items: z.array(
          z.object({
            id: z.number().int(),
            meterId: z.string().nullable(),
            amountWh: z.bigint(),
            txSignature: z.string(),
            mintedAt: z.date().nullable(),
            slot: z.number().int(),
          }),
        ),
        totalWh: z.bigint(),
      }),
    )
    .query(({ ctx, input }) =>
      listMintsOfWallet(ctx.db, { wallet: ctx.session.wallet, limit: input.limit }),
    ),

  /**
   * After the browser's register_user/register_meter transaction confirmed: the indexer (the
   * one writer of chain mirrors) applies the transactions named now, so the page does not wait
   * for its next pass; then the wallet's mirror is read back. A meter another wallet owns is
   * FORBIDDEN, one the chain does not have is NOT_FOUND.
   */
  syncFromChain: signedInProcedure
    .input(
      z.object({
        signatures: z.array(transactionSignatureSchema).max(4).default([]),
        meterId: meterIdSchema.optional(),
      }),
    )
    .output(z.object({ userRegistered: z.boolean(), meter: meterSummaryOutput.nullable() }))
    .mutation(async ({ ctx, input }) => {
      if (input.signatures.length > 0) {
        try {
          await (await ctx.chain.indexer()).applySignatures(input.signatures);
        } catch (err) {
          // The chain is the truth; a database row that disagrees with it (another meter holding
          // this device key, from before the chain refused duplicates) is a conflict to name, not a 500.
          if (sqlState(err) === "23505")
            throw new AppError(
              "CONFLICT",
              `The app's database already lists another meter with this device key, so ${input.meterId ?? "the meter"} cannot be shown yet. An admin must remove the stale entry.`,
              { cause: err },
            );
          if (err instanceof AppError) throw err;
          throw chainFailure(err, "Reading the transaction");
        }
      }
      const user = await getUserByWallet(ctx.db, { wallet: ctx.session.wallet });
      const userRegistered = user?.pdaAddress != null;
      if (!input.meterId) return { userRegistered, meter: null };
      const meter = await getMeterByMeterId(ctx.db, { meterId: input.meterId });
      if (!meter?.pdaAddress)
        throw new AppError("NOT_FOUND", `Meter ${input.meterId} is not registered on chain`);
      if (meter.ownerId !== ctx.session.userId)
        throw new AppError("FORBIDDEN", "That meter belongs to another wallet");
      const mine = await listMetersOfOwner(ctx.db, { ownerId: ctx.session.userId });
      return {
        userRegistered,
        meter: mine.find((m) => m.meterId === input.meterId) ?? null,
      };
    }),
});
