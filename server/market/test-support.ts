/**
 * Shared by the market's tests (orders router, book cache, matcher): a real local chain
 * (bootstrapped: the market on Energy Token's GRID and the bridge's THBC), a real database, sellers
 * whose GRID the mint poller minted from signed meter readings, buyers with THBC from attested
 * bridge deposits, and orders placed the way the wallet would (the owner signs create_order built
 * by the Trading client).
 */
import { createAssociatedTokenAccountIdempotentInstruction, getAssociatedTokenAddressSync } from "@solana/spl-token";
import { Keypair, LAMPORTS_PER_SOL, type PublicKey, Transaction } from "@solana/web3.js";
import { gridMintAddress } from "~/programs/energy_token/client";
import { thbcAccountAddress, thbcMintAddress } from "~/programs/thb_bridge/client";
import {
  clientOrderIdWithBump255,
  createOrderInstruction,
  gridVaultAddress,
  orderAddress,
  thbcVaultAddress,
  TRADING_ID,
  type Side,
} from "~/programs/trading/client";
import { runMintPoller } from "~/server/poller/mint-poller";
import { createChainMeter, series, startChainEnv, storeSigned, type ChainEnv } from "~/server/poller/test-support";
import { THB, bridgeEnv, sendDeposit, type BridgeEnv } from "~/server/solana/bridge-testing";
import { sendSigned } from "~/server/solana/registry-actions";
import { airdrop } from "~/server/solana/tx";

export { THB };

export interface MarketEnv {
  env: ChainEnv;
  bridge: BridgeEnv;
  close(): Promise<void>;
}

export async function startMarketEnv(): Promise<MarketEnv> {
  const env = await startChainEnv();
  const bridge = await bridgeEnv(env);
  return { env, bridge, close: () => env.close() };
}

export const gridAta = (k: PublicKey) => getAssociatedTokenAddressSync(gridMintAddress(), k, true);

export async function tokenBalance(env: ChainEnv, account: PublicKey): Promise<bigint> {
  const info = await env.chain.connection.getTokenAccountBalance(account, "confirmed").catch(() => null);
  return info ? BigInt(info.value.amount) : 0n;
}

/** Both token accounts of `owner` (GRID and THBC), created by the operator when missing. */
export async function ensureTokenAccounts(env: ChainEnv, owner: PublicKey): Promise<void> {
  const payer = env.chain.operator.publicKey;
  await sendSigned(
    env.chain.programs,
    new Transaction().add(
      createAssociatedTokenAccountIdempotentInstruction(payer, gridAta(owner), owner, gridMintAddress()),
      createAssociatedTokenAccountIdempotentInstruction(payer, thbcAccountAddress(owner), owner, thbcMintAddress()),
    ),
    [],
  );
}

/** Sellers with GRID each: `readings` readings of 130 Wh each through the mint poller (one pass for all). */
export async function sellersWithGrid(m: MarketEnv, count: number, readings = 25): Promise<Keypair[]> {
  const meters = [];
  for (let i = 0; i < count; i++) {
    const meter = await createChainMeter(m.env);
    await storeSigned(m.env, meter, series(readings, () => ({ p: 130, c: 0 })));
    meters.push(meter);
  }
  const minted = await runMintPoller({
    db: m.env.tdb.db,
    connection: m.env.chain.connection,
    operator: m.env.chain.operator,
    programs: m.env.chain.programs,
  });
  if (minted.errors.length > 0) throw new Error(`mint failed: ${JSON.stringify(minted.errors)}`);
  for (const meter of meters) await ensureTokenAccounts(m.env, meter.owner.publicKey);
  return meters.map((x) => x.owner);
}

/** Buyers with `thb` THBC each (attested deposits), SOL for fees and both token accounts. */
export async function buyersWithThbc(m: MarketEnv, count: number, thb = 100n * THB): Promise<Keypair[]> {
  const out = [];
  for (let i = 0; i < count; i++) {
    const k = Keypair.generate();
    await airdrop(m.env.chain.connection, k.publicKey, LAMPORTS_PER_SOL);
    await sendDeposit(m.bridge, k.publicKey, thb);
    await ensureTokenAccounts(m.env, k.publicKey);
    out.push(k);
  }
  return out;
}

export async function chainNow(env: ChainEnv): Promise<number> {
  const slot = await env.chain.connection.getSlot("confirmed");
  return (await env.chain.connection.getBlockTime(slot))!;
}

let nextId = 1n;

/** create_order signed by `owner`; a fresh client order id per call. */
export async function placeOrder(
  env: ChainEnv,
  owner: Keypair,
  side: Side,
  amountWh: bigint,
  limitPrice: bigint,
  options: { expiresAt?: number } = {},
) {
  const clientOrderId = clientOrderIdWithBump255(owner.publicKey, nextId);
  nextId = clientOrderId + 1n;
  const ix = await createOrderInstruction(env.chain.programs.trading, {
    owner: owner.publicKey,
    side,
    clientOrderId,
    amountWh,
    limitPrice,
    expiresAt: BigInt(options.expiresAt ?? (await chainNow(env)) + 3_600),
    ownerTokenAccount: side === "sell" ? gridAta(owner.publicKey) : thbcAccountAddress(owner.publicKey),
  });
  const signature = await sendSigned(env.chain.programs, ix, [owner]);
  return { signature, order: orderAddress(owner.publicKey, clientOrderId), clientOrderId, side, amountWh, limitPrice };
}
export type PlacedOrder = Awaited<ReturnType<typeof placeOrder>>;

/** Every Order account of the market on chain, decoded. */
export async function chainOrders(env: ChainEnv) {
  const all = await env.chain.programs.trading.account.order.all();
  return all.map(({ publicKey, account: a }) => ({
    order: publicKey.toBase58(),
    owner: a.owner.toBase58(),
    side: "buy" in a.side ? ("buy" as const) : ("sell" as const),
    amountWh: BigInt(a.amountWh.toString()),
    filledWh: BigInt(a.filledWh.toString()),
    limitPrice: BigInt(a.limitPrice.toString()),
    locked: BigInt(a.locked.toString()),
    settledGrid: BigInt(a.settledGrid.toString()),
    settledThbc: BigInt(a.settledThbc.toString()),
    feeOwed: BigInt(a.feeOwed.toString()),
    expiresAt: BigInt(a.expiresAt.toString()),
  }));
}

/**
 * The vault invariant of programs/trading/README.md: GRID vault = Σ (a sell's locked + a buy's
 * settled_grid), THBC vault = Σ (a buy's locked + settled_thbc + fee_owed) over the open orders.
 */
export async function vaultInvariant(env: ChainEnv) {
  const orders = await chainOrders(env);
  let grid = 0n;
  let thbc = 0n;
  for (const o of orders) {
    if (o.side === "sell") grid += o.locked;
    else {
      grid += o.settledGrid;
      thbc += o.locked;
    }
    thbc += o.settledThbc + o.feeOwed;
  }
  return {
    expected: { grid, thbc },
    actual: { grid: await tokenBalance(env, gridVaultAddress()), thbc: await tokenBalance(env, thbcVaultAddress()) },
  };
}

export { TRADING_ID };
