/** Acceptance: unmodified @solana/spl-token against the local chain's SPL Token program. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Connection, Keypair } from "@solana/web3.js";
import {
  TOKEN_PROGRAM_ID,
  createMint,
  getAccount,
  getMint,
  getOrCreateAssociatedTokenAccount,
  mintTo,
  transfer,
} from "@solana/spl-token";
import type { Localnet } from "./index";
import { closeConnection, fundedKeypair, rpcOk, startTestChain } from "./test-support";

let net: Localnet;
let conn: Connection;

beforeAll(async () => {
  net = await startTestChain();
  conn = new Connection(net.rpcUrl, "confirmed");
});

afterAll(async () => {
  closeConnection(conn);
  await net.close();
});

const funded = () => fundedKeypair(conn, 10);

describe("spl-token against the local chain", () => {
  it("creates a mint, associated accounts, mints and transfers; RPC token reads agree", async () => {
    const authority = await funded();
    const alice = Keypair.generate();
    const bob = Keypair.generate();
    const mint = await createMint(conn, authority, authority.publicKey, null, 3);
    expect((await getMint(conn, mint)).decimals).toBe(3);

    const aliceAta = await getOrCreateAssociatedTokenAccount(conn, authority, mint, alice.publicKey);
    const bobAta = await getOrCreateAssociatedTokenAccount(conn, authority, mint, bob.publicKey);
    // A second call finds the existing account instead of creating it.
    const again = await getOrCreateAssociatedTokenAccount(conn, authority, mint, alice.publicKey);
    expect(again.address.toBase58()).toBe(aliceAta.address.toBase58());

    await mintTo(conn, authority, mint, aliceAta.address, authority, 12_500n);
    // alice has no SOL: the authority pays the fee and alice signs as the owner.
    await transfer(conn, authority, aliceAta.address, bobAta.address, alice, 2_000n);

    expect((await getAccount(conn, aliceAta.address)).amount).toBe(10_500n);
    expect((await getAccount(conn, bobAta.address)).amount).toBe(2_000n);

    const bal = await conn.getTokenAccountBalance(aliceAta.address);
    expect(bal.value).toEqual({ amount: "10500", decimals: 3, uiAmount: 10.5, uiAmountString: "10.5" });
    const supply = await conn.getTokenSupply(mint);
    expect(supply.value.amount).toBe("12500");
    expect(supply.value.uiAmountString).toBe("12.5");

    const byOwner = await conn.getTokenAccountsByOwner(bob.publicKey, { mint });
    expect(byOwner.value.map((a) => a.pubkey.toBase58())).toEqual([bobAta.address.toBase58()]);
    const byProgram = await conn.getTokenAccountsByOwner(alice.publicKey, { programId: TOKEN_PROGRAM_ID });
    expect(byProgram.value).toHaveLength(1);

    const parsed = await conn.getParsedTokenAccountsByOwner(bob.publicKey, { mint });
    const info = (parsed.value[0]!.account.data as { parsed: { info: { tokenAmount: { uiAmountString: string }; owner: string } } }).parsed.info;
    expect(info.tokenAmount.uiAmountString).toBe("2");
    expect(info.owner).toBe(bob.publicKey.toBase58());
    const parsedMint = await conn.getParsedAccountInfo(mint);
    expect((parsedMint.value?.data as { parsed: { type: string; info: { supply: string } } }).parsed).toMatchObject({
      type: "mint",
      info: { supply: "12500" },
    });

    // Token accounts by dataSize + memcmp(owner at offset 32), as wallets query them.
    const filtered = await conn.getProgramAccounts(TOKEN_PROGRAM_ID, {
      filters: [{ dataSize: 165 }, { memcmp: { offset: 32, bytes: bob.publicKey.toBase58() } }],
    });
    expect(filtered.map((a) => a.pubkey.toBase58())).toEqual([bobAta.address.toBase58()]);
  });

  it("records token balance changes in getTransaction, as indexers read them", async () => {
    const authority = await funded();
    const mint = await createMint(conn, authority, authority.publicKey, null, 6);
    const ata = await getOrCreateAssociatedTokenAccount(conn, authority, mint, authority.publicKey);
    const sig = await mintTo(conn, authority, mint, ata.address, authority, 1_000_000n);
    const tx = await rpcOk<{
      meta: { preTokenBalances: { uiTokenAmount: { amount: string } }[]; postTokenBalances: { mint: string; owner: string; uiTokenAmount: { amount: string; uiAmountString: string } }[] };
    }>(net.rpcUrl, "getTransaction", [sig, { commitment: "confirmed" }]);
    expect(tx.meta.preTokenBalances.map((b) => b.uiTokenAmount.amount)).toEqual(["0"]);
    expect(tx.meta.postTokenBalances).toMatchObject([
      { mint: mint.toBase58(), owner: authority.publicKey.toBase58(), uiTokenAmount: { amount: "1000000", uiAmountString: "1" } },
    ]);
  });
});
