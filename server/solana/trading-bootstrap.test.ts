/**
 * The Trading market's bootstrap step on a real local chain: initialised once, after the bridge,
 * with the operator as params and emergency authority, Energy Token's GRID and the bridge's THBC,
 * the default config and fees to the operator's THBC account (created by the step); a second run
 * does nothing.
 */
import { getAccount, getAssociatedTokenAddressSync } from "@solana/spl-token";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gridMintAddress } from "~/programs/energy_token/client";
import { thbcMintAddress } from "~/programs/thb_bridge/client";
import { gridVaultAddress, marketAddress, thbcVaultAddress } from "~/programs/trading/client";
import { startChainEnv, type ChainEnv } from "~/server/poller/test-support";
import { DEFAULT_MARKET_CONFIG, bootstrapChain } from "./bootstrap";

let env: ChainEnv;

beforeAll(async () => {
  env = await startChainEnv();
}, 90_000);

afterAll(async () => {
  await env?.close();
});

describe("bootstrap: trading", () => {
  it("initialised the market: operator authorities, GRID and THBC mints, operator's THBC account as fee destination, default config", async () => {
    const operator = env.chain.operator.publicKey;
    const m = await env.chain.programs.trading.account.market.fetch(marketAddress(), "confirmed");
    expect(m.paramsAuthority.toBase58()).toBe(operator.toBase58());
    expect(m.emergencyAuthority.toBase58()).toBe(operator.toBase58());
    expect(m.gridMint.toBase58()).toBe(gridMintAddress().toBase58());
    expect(m.thbcMint.toBase58()).toBe(thbcMintAddress().toBase58());
    const fees = getAssociatedTokenAddressSync(thbcMintAddress(), operator);
    expect(m.feeDestination.toBase58()).toBe(fees.toBase58());
    const account = await getAccount(env.chain.connection, fees, "confirmed");
    expect(account.owner.toBase58()).toBe(operator.toBase58());
    expect(BigInt(m.config.minOrderWh.toString())).toBe(DEFAULT_MARKET_CONFIG.minOrderWh);
    expect(m.config.maxOracleAgeSecs).toBe(DEFAULT_MARKET_CONFIG.maxOracleAgeSecs);
    expect(m.config.feeBps).toBe(DEFAULT_MARKET_CONFIG.feeBps);
    expect(m.config.priceBandBps).toBe(DEFAULT_MARKET_CONFIG.priceBandBps);
    expect(m.paused).toBe(false);
    for (const vault of [gridVaultAddress(), thbcVaultAddress()])
      expect(await env.chain.connection.getAccountInfo(vault, "confirmed")).not.toBeNull();
  });

  it("a second run does nothing", async () => {
    const before = await env.chain.connection.getAccountInfo(marketAddress(), "confirmed");
    const again = await bootstrapChain(env.chain, undefined, { bridgeAttestorKeypairPath: env.attestorKeypairPath });
    expect(again.done).toEqual([]);
    expect(again.warnings).toEqual([]);
    const after = await env.chain.connection.getAccountInfo(marketAddress(), "confirmed");
    expect(Buffer.from(after!.data)).toEqual(Buffer.from(before!.data));
  });
});
