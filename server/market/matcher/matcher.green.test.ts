/**
 * The matcher and green orders, on a real local chain (Governance deployed from
 * programs/deploy/governance.so, initialised here when the bootstrap has not) and a real database:
 * a green sell (backed by a Validated certificate of its meter's owner) fills a plain buy and a
 * green-only buy, each buyer's certificate PDA receives the filled Wh; a green-only buy is never
 * filled by a plain sell (and nothing is quarantined for it); a filled green sell is closed and
 * its certificate's lock released.
 */
import { Program } from "@coral-xyz/anchor";
import { PublicKey, type Keypair } from "@solana/web3.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadDeployAuthority } from "~/lib/solana/deploy-authority";
import {
  certificateAddress,
  fillCertificateAddress,
  governanceAddress,
  governanceInitializeInstruction,
  issueErcInstruction,
  validateErcInstruction,
} from "~/programs/governance/client";
import { governanceIdl, type Governance } from "~/programs/governance/idl/governance";
import { meterAddress } from "~/programs/registry/client";
import { thbcAccountAddress } from "~/programs/thb_bridge/client";
import {
  cancelOrderInstruction,
  clientOrderIdWithBump255,
  createOrderInstruction,
  marketAddress,
  orderAddress,
} from "~/programs/trading/client";
import { runMintPoller } from "~/server/poller/mint-poller";
import { createChainMeter, series, storeSigned } from "~/server/poller/test-support";
import { INITIAL_RETAIL_PRICE } from "~/server/solana/bootstrap-steps";
import { sendSigned } from "~/server/solana/registry-actions";
import {
  buyersWithThbc,
  chainNow,
  ensureTokenAccounts,
  gridAta,
  placeOrder,
  sellersWithGrid,
  startMarketEnv,
  tokenBalance,
  vaultInvariant,
  type MarketEnv,
} from "../test-support";
import { createMatcher, type MatcherDeps } from "./matcher";

let m: MarketEnv;
let gov: Program<Governance>;
const P = INITIAL_RETAIL_PRICE;
const env = () => m.env;
const matcher = (over: Partial<MatcherDeps> = {}) =>
  createMatcher({ db: env().tdb.db, connection: env().chain.connection, programs: env().chain.programs, operator: env().chain.operator, ...over });

beforeAll(async () => {
  m = await startMarketEnv();
  gov = new Program<Governance>(governanceIdl, env().chain.programs.trading.provider);
  // Governance with the operator as its authority (the ERC issuer), unless the bootstrap did it.
  if (!(await gov.account.governance.fetchNullable(governanceAddress(), "confirmed"))) {
    const deployer = loadDeployAuthority();
    await sendSigned(
      env().chain.programs,
      await governanceInitializeInstruction(gov, {
        payer: env().chain.operator.publicKey,
        deployer: deployer.publicKey,
        authority: env().chain.operator.publicKey,
        config: { minVotingSecs: 86_400, maxVotingSecs: 30 * 86_400, quorumBps: 1_000 },
      }),
      [deployer],
    );
  }
}, 120_000);

afterAll(async () => {
  await m?.close();
});

interface GreenSeller {
  owner: Keypair;
  certificate: PublicKey;
}

/** A prosumer whose meter produced 3,250 Wh (minted to GRID), with a Validated certificate of `certifiedWh`. */
async function greenSeller(certifiedWh: bigint): Promise<GreenSeller> {
  const meter = await createChainMeter(env());
  await storeSigned(env(), meter, series(25, () => ({ p: 130, c: 0 })));
  const minted = await runMintPoller({ db: env().tdb.db, connection: env().chain.connection, operator: env().chain.operator, programs: env().chain.programs });
  if (minted.errors.length > 0) throw new Error(`mint failed: ${JSON.stringify(minted.errors)}`);
  await ensureTokenAccounts(env(), meter.owner.publicKey);
  const meterPda = meterAddress(meter.meterId);
  const certificate = certificateAddress(meterPda, 1n);
  await sendSigned(
    env().chain.programs,
    await issueErcInstruction(gov, { payer: meter.owner.publicKey, owner: meter.owner.publicKey, meter: meterPda, certificateId: 1n, volumeWh: certifiedWh }),
    [meter.owner],
  );
  await sendSigned(env().chain.programs, await validateErcInstruction(gov, { authority: env().chain.operator.publicKey, certificate }), []);
  return { owner: meter.owner, certificate };
}

let nextId = 1_000_000n;

/** A green sell (create_order with the certificate) or a green-only buy, signed by its owner. */
async function placeGreen(owner: Keypair, side: "buy" | "sell", amountWh: bigint, limitPrice: bigint, certificate?: PublicKey) {
  const clientOrderId = clientOrderIdWithBump255(owner.publicKey, nextId);
  nextId = clientOrderId + 1n;
  const ix = await createOrderInstruction(env().chain.programs.trading, {
    owner: owner.publicKey,
    side,
    clientOrderId,
    amountWh,
    limitPrice,
    expiresAt: BigInt((await chainNow(env())) + 3_600),
    ownerTokenAccount: side === "sell" ? gridAta(owner.publicKey) : thbcAccountAddress(owner.publicKey),
    ...(side === "sell" ? { certificate } : { greenOnly: true }),
  });
  await sendSigned(env().chain.programs, ix, [owner]);
  return orderAddress(owner.publicKey, clientOrderId);
}

const certificateOf = (c: PublicKey) => gov.account.certificate.fetchNullable(c, "confirmed");
const orderOf = (o: PublicKey) => env().chain.programs.trading.account.order.fetchNullable(o, "confirmed");

async function cancel(owner: Keypair, order: PublicKey) {
  if (!(await orderOf(order))) return;
  const market = await env().chain.programs.trading.account.market.fetch(marketAddress(), "confirmed");
  await sendSigned(
    env().chain.programs,
    await cancelOrderInstruction(env().chain.programs.trading, {
      owner: owner.publicKey,
      order,
      ownerGrid: gridAta(owner.publicKey),
      ownerThbc: thbcAccountAddress(owner.publicKey),
      feeDestination: market.feeDestination,
    }),
    [owner],
  );
}

describe("matcher: green orders", () => {
  it("a green sell fills a plain buy and a green-only buy (each buyer's certificate gets the Wh), then is closed and its certificate's lock released", async () => {
    const seller = await greenSeller(3_000n);
    const [plainBuyer, greenBuyer] = await buyersWithThbc(m, 2);
    const sell = await placeGreen(seller.owner, "sell", 2_000n, P, seller.certificate);
    expect((await certificateOf(seller.certificate))!.lockedWh.toString()).toBe("2000");
    const plainBuy = (await placeOrder(env(), plainBuyer!, "buy", 1_000n, P + 3_000n)).order;
    const greenBuy = await placeGreen(greenBuyer!, "buy", 1_000n, P + 3_000n);
    const grid0 = await tokenBalance(env(), gridAta(greenBuyer!.publicKey));

    const s = await matcher().runPass("test");
    expect(s.errors).toEqual([]);
    expect(s.fillsRefused).toBe(0);
    expect(s.quarantined).toBe(0);
    expect(s.whSettled).toBeGreaterThanOrEqual(2_000);
    // Both buys filled from the green sell: each buyer holds a certificate of its 1,000 Wh.
    for (const [buyer, order] of [
      [plainBuyer!, plainBuy],
      [greenBuyer!, greenBuy],
    ] as const) {
      const c = await certificateOf(fillCertificateAddress(seller.certificate, order));
      expect(c).not.toBeNull();
      expect(c!.owner.equals(buyer.publicKey)).toBe(true);
      expect(c!.volumeWh.toString()).toBe("1000");
    }
    // The filled sell and both filled buys are closed; the certificate keeps 1,000 Wh, unlocked.
    expect(await orderOf(sell)).toBeNull();
    expect(await orderOf(plainBuy)).toBeNull();
    expect(await orderOf(greenBuy)).toBeNull();
    const src = (await certificateOf(seller.certificate))!;
    expect([src.volumeWh.toString(), src.lockedWh.toString()]).toEqual(["1000", "0"]);
    expect(src.lockedOrder.equals(PublicKey.default)).toBe(true);
    expect(await tokenBalance(env(), gridAta(greenBuyer!.publicKey))).toBe(grid0 + 1_000n);
    const v = await vaultInvariant(env());
    expect(v.actual).toEqual(v.expected);
  }, 60_000);

  it("a green-only buy is never filled by a plain sell, nothing is quarantined for it; a plain buy behind it takes the plain sell", async () => {
    const [plainSeller] = await sellersWithGrid(m, 1);
    const [greenBuyer, plainBuyer] = await buyersWithThbc(m, 2);
    const sell = (await placeOrder(env(), plainSeller!, "sell", 2_000n, P)).order;
    // The green-only buy is first in priority (higher price, older); the plain one behind it.
    const greenBuy = await placeGreen(greenBuyer!, "buy", 1_000n, P + 3_000n);
    const plainBuy = (await placeOrder(env(), plainBuyer!, "buy", 1_000n, P + 1_000n)).order;

    const mt = matcher();
    const s = await mt.runPass("test");
    expect(s.errors).toEqual([]);
    expect([s.fillsRefused, s.quarantined]).toEqual([0, 0]);
    expect(s.whSettled).toBe(1_000);
    expect(await orderOf(plainBuy)).toBeNull(); // filled and closed
    const g = (await orderOf(greenBuy))!;
    expect([g.filledWh.toString(), g.greenOnly]).toEqual(["0", true]);
    expect((await orderOf(sell))!.filledWh.toString()).toBe("1000");
    // Again: still nothing to propose for the pair, nothing refused.
    const again = await mt.runPass("test");
    expect([again.fillsProposed, again.fillsRefused, again.quarantined]).toEqual([0, 0, 0]);
    await cancel(greenBuyer!, greenBuy);
    await cancel(plainSeller!, sell);
    const v = await vaultInvariant(env());
    expect(v.actual).toEqual(v.expected);
  }, 60_000);
});
