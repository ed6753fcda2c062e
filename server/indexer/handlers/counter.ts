/**
 * The counter example: CounterIncremented → the counters mirror. It has no live channel; the
 * app shows no counter, the entry exists to keep "a new program is one list entry" honest.
 */
import { recordCounterIncrement } from "~/db/queries/counters";
import type { Counter } from "~/programs/counter/idl/counter";
import { defineIndexer } from "~/server/chain/types";
import { base58, bigintOf } from "./decode";

export const counterIndexer = defineIndexer<Counter>(
  {},
  {
    counterIncremented: async (t, d, tx) => {
      await recordCounterIncrement(t, {
        pda: base58(d.counter),
        authority: base58(d.authority),
        count: bigintOf(d.count),
        signature: tx.signature,
        slot: tx.slot,
      });
    },
  },
);
