/**
 * market.price: the latest Oracle reference prices (THBC base units per kWh). From the indexer's
 * `prices` table; when it has none yet (indexer behind or not running), read the Oracle account
 * through the server's Connection. null when no price was ever published.
 */
import { oracleAddress } from "~/programs/oracle/client";
import { z } from "zod";
import { getLatestPrice } from "~/db/queries/dashboard";
import { createTRPCRouter, publicProcedure } from "../trpc";
import { chainFailure } from "./chain-errors";

export const priceOutput = z
  .object({
    retailPerKwh: z.bigint(),
    feedInPerKwh: z.bigint(),
    publishedAt: z.date(),
    sequence: z.number().int(),
    source: z.enum(["indexer", "oracle-account"]),
  })
  .nullable();

export const marketRouter = createTRPCRouter({
  price: publicProcedure.output(priceOutput).query(async ({ ctx }) => {
    const row = await getLatestPrice(ctx.db);
    if (row) {
      return {
        retailPerKwh: row.retailPrice,
        feedInPerKwh: row.feedInPrice,
        publishedAt: row.publishedAt,
        sequence: row.sequence,
        source: "indexer" as const,
      };
    }
    const oraclePda = oracleAddress();
    let oracle;
    try {
      const { programs } = await ctx.chain.connect();
      oracle = await programs.oracle.account.oracle.fetchNullable(oraclePda, "confirmed");
    } catch (err) {
      throw chainFailure(err, "Reading the oracle");
    }
    if (!oracle || oracle.updateCount.isZero()) return null;
    return {
      retailPerKwh: BigInt(oracle.retailPrice.toString()),
      feedInPerKwh: BigInt(oracle.feedInPrice.toString()),
      publishedAt: new Date(oracle.updatedAt.toNumber() * 1000),
      sequence: oracle.updateCount.toNumber(),
      source: "oracle-account" as const,
    };
  }),
});
