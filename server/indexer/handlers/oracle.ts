/**
 * Oracle events → the price history. Feeder and limit changes are read from the account when
 * needed, not cached.
 */
import { recordChainPrice } from "~/db/queries/indexer";
import type { Oracle } from "~/programs/oracle/idl/oracle";
import { defineIndexer, type LiveChannelSpecs } from "~/server/chain/types";
import { base58, bigintOf, numberOf } from "./decode";

export const oracleChannels = {
  prices: { audience: "everyone", stale: ["market"] },
} as const satisfies LiveChannelSpecs;

export const oracleIndexer = defineIndexer<Oracle, typeof oracleChannels>(oracleChannels, {
  priceUpdated: async (t, d, tx) => {
    await recordChainPrice(t, {
      sequence: numberOf(d.sequence),
      retail: bigintOf(d.retailPrice),
      feedIn: bigintOf(d.feedInPrice),
      feeder: base58(d.feeder),
      publishedAt: numberOf(d.updatedAt),
      slot: numberOf(d.slot),
      txSignature: tx.signature,
    });
    return [
      {
        channel: "prices",
        payload: {
          signature: tx.signature,
          slot: tx.slot,
          retail: bigintOf(d.retailPrice).toString(),
          feedIn: bigintOf(d.feedInPrice).toString(),
          sequence: numberOf(d.sequence),
        },
      },
    ];
  },
});
