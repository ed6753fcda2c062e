/**
 * The counter example, added to the app as one program-list entry plus its handler file: the
 * indexer follows it live and on catch-up, and stores its events in the counters mirror.
 */
import { Keypair, LAMPORTS_PER_SOL } from "@solana/web3.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getCounter } from "~/db/queries/counters";
import { counterAddInstruction, counterAddress, counterInitializeInstruction } from "~/programs/counter/client";
import { envIndexer, startChainEnv, until, type ChainEnv } from "~/server/poller/test-support";
import { sendSigned } from "~/server/solana/registry-actions";
import { airdrop } from "~/server/solana/tx";
import type { ChainIndexer } from "../indexer";
import { reindexFromChain } from "../reindex";

let env: ChainEnv;
let indexer: ChainIndexer | null = null;

beforeAll(async () => {
  env = await startChainEnv();
}, 60_000);

afterAll(async () => {
  await indexer?.stop();
  await env?.close();
});

describe("counter in the program list", () => {
  it("the indexer stores CounterIncremented live, and a reindex rebuilds the same row", async () => {
    indexer = envIndexer(env);
    await indexer.start();

    const authority = Keypair.generate();
    await airdrop(env.chain.connection, authority.publicKey, LAMPORTS_PER_SOL);
    const program = env.chain.programs.counter;
    await sendSigned(env.chain.programs, await counterInitializeInstruction(program, authority.publicKey), [authority]);
    await sendSigned(env.chain.programs, await counterAddInstruction(program, authority.publicKey, 5n), [authority]);
    const last = await sendSigned(
      env.chain.programs,
      await counterAddInstruction(program, authority.publicKey, 7n),
      [authority],
    );

    const pda = counterAddress(authority.publicKey).toBase58();
    await until(async () => (await getCounter(env.tdb.db, { pda }))?.count === 12n, 10_000, "the counter row");
    expect(await getCounter(env.tdb.db, { pda })).toMatchObject({
      pda,
      authority: authority.publicKey.toBase58(),
      count: 12n,
      lastSignature: last,
    });
    await indexer.stop();
    indexer = null;

    await reindexFromChain({ db: env.tdb.db, connection: env.chain.connection, programs: env.chain.programs });
    expect(await getCounter(env.tdb.db, { pda })).toMatchObject({ count: 12n, lastSignature: last });
  });
});
