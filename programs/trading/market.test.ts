/**
 * Trading market administration on LiteSVM with the real trading.so and oracle.so: initialize,
 * set_market_params, transfer / accept_params_authority, pause / unpause. Every success path with
 * its event and CU budget; every refusal with its named error and no account changed.
 */
import { Keypair, PublicKey, type TransactionInstruction } from "@solana/web3.js";
import { AccountLayout, TOKEN_PROGRAM_ID } from "@solana/spl-token";
import { beforeEach, describe, expect, it } from "vitest";
import {
  createAta,
  createMint,
  expectAnchorError,
  expectCu,
  expectOk,
  expectUnchanged,
} from "~/programs/harness";
import { plain } from "../oracle/fixture";
import type { MarketConfig } from "./client";
import { CONFIG, CU, TradingFixture } from "./fixture";
import { tradingIdl } from "./idl/trading";

/** Sends `ixs` signed by `signers` and expects the named error with none of `watch` changed. */
function refuse(
  f: TradingFixture,
  ixs: TransactionInstruction | TransactionInstruction[],
  signers: Keypair[],
  name: string,
  watch: PublicKey[] = [f.market, f.gridVault, f.thbcVault],
) {
  const before = f.chain.snapshot(watch);
  expectAnchorError(f.chain.send(ixs, signers), name, tradingIdl);
  expectUnchanged(f.chain, before);
}

const cfg = (c: Partial<MarketConfig>): MarketConfig => ({ ...CONFIG, ...c });
const BAD_CONFIGS: [string, Partial<MarketConfig>, string][] = [
  ["fee above MAX_FEE_BPS (500)", { feeBps: 501 }, "FeeTooHigh"],
  ["band above MAX_PRICE_BAND_BPS (9000)", { priceBandBps: 9_001 }, "InvalidPriceBand"],
  ["min_order_wh 0", { minOrderWh: 0n }, "InvalidMinOrder"],
  ["max_oracle_age_secs 0", { maxOracleAgeSecs: 0 }, "InvalidOracleAge"],
];

describe("initialize", () => {
  let f: TradingFixture;
  beforeEach(async () => {
    f = new TradingFixture();
    await f.setupChain();
  });

  it("creates the Market PDA with the mints, fee destination, config and authorities, not paused", async () => {
    const r = expectOk(f.chain.send(await f.initIx(), [f.deployer]));
    const a = f.chain.getAccount(f.market)!;
    expect(a.owner.equals(f.programId)).toBe(true);
    expect(a.data.length).toBe(218);
    expect(a.lamports).toBe(f.chain.minimumBalance(218));
    const m = plain(f.market_());
    expect(m).toEqual({
      paramsAuthority: f.paramsAuthority.publicKey.toBase58(),
      pendingParamsAuthority: PublicKey.default.toBase58(),
      emergencyAuthority: f.emergencyAuthority.publicKey.toBase58(),
      gridMint: f.gridMint.toBase58(),
      thbcMint: f.thbcMint.toBase58(),
      feeDestination: f.feeAccount.toBase58(),
      config: CONFIG,
      paused: false,
      bump: 255,
    });
    expect(plain(f.event(r, "marketInitialized"))).toEqual({
      market: f.market.toBase58(),
      paramsAuthority: f.paramsAuthority.publicKey.toBase58(),
      emergencyAuthority: f.emergencyAuthority.publicKey.toBase58(),
      gridMint: f.gridMint.toBase58(),
      thbcMint: f.thbcMint.toBase58(),
      feeDestination: f.feeAccount.toBase58(),
      config: CONFIG,
    });
    // the two vaults: token accounts of each mint whose token authority is the market, empty
    for (const [vault, mint] of [
      [f.gridVault, f.gridMint],
      [f.thbcVault, f.thbcMint],
    ] as const) {
      const acct = f.chain.getAccount(vault)!;
      expect(acct.owner.equals(TOKEN_PROGRAM_ID)).toBe(true);
      const v = AccountLayout.decode(acct.data);
      expect(v.mint.equals(mint)).toBe(true);
      expect(v.owner.equals(f.market)).toBe(true);
      expect(v.amount).toBe(0n);
      expect(v.state).toBe(1);
      expect(v.delegateOption).toBe(0);
      expect(v.closeAuthorityOption).toBe(0);
    }
    expectCu(r, { max: CU.initialize });
  });

  it("refuses a vault address that is not its PDA (ConstraintSeeds), or one that already exists (AccountNotSystemOwned)", async () => {
    const stray = f.chain.newKeypair();
    refuse(f, await f.initIx(CONFIG, { gridVault: stray.publicKey }), [f.deployer], "ConstraintSeeds");
    refuse(f, await f.initIx(CONFIG, { thbcVault: f.gridVault }), [f.deployer], "ConstraintSeeds");
    const squatter = createAta(f.chain, stray.publicKey, f.thbcMint);
    f.chain.setAccount(f.thbcVault, { ...f.chain.getAccount(squatter)! });
    refuse(f, await f.initIx(), [f.deployer], "AccountNotSystemOwned");
  });

  it("refuses anyone but the deploy authority (NotDeployAuthority)", async () => {
    const stranger = f.chain.newKeypair();
    refuse(
      f,
      await f.initIx(CONFIG, { deployer: stranger.publicKey }),
      [stranger],
      "NotDeployAuthority",
    );
  });

  it("refuses a second initialize (AccountNotSystemOwned)", async () => {
    expectOk(f.chain.send(await f.initIx(), [f.deployer]));
    refuse(f, await f.initIx(), [f.deployer], "AccountNotSystemOwned");
  });

  it("refuses another address than the PDA (ConstraintSeeds)", async () => {
    const other = Keypair.generate().publicKey;
    refuse(f, await f.initIx(CONFIG, { market: other }), [f.deployer], "ConstraintSeeds", [other]);
  });

  it("refuses mints with the wrong decimals or swapped, and a fee destination of another mint", async () => {
    const six = createMint(f.chain, { authority: f.mintAuthority.publicKey, decimals: 6 });
    refuse(f, await f.initIx(CONFIG, { gridMint: six }), [f.deployer], "InvalidMint");
    refuse(f, await f.initIx(CONFIG, { thbcMint: f.gridMint }), [f.deployer], "InvalidMint");
    refuse(f, await f.initIx(CONFIG, { gridMint: f.thbcMint }), [f.deployer], "InvalidMint");
    const gridAccount = createAta(f.chain, f.feeOwner.publicKey, f.gridMint);
    refuse(
      f,
      await f.initIx(CONFIG, { feeDestination: gridAccount }),
      [f.deployer],
      "InvalidFeeDestination",
    );
    refuse(
      f,
      await f.initIx(CONFIG, { feeDestination: f.feeOwner.publicKey }),
      [f.deployer],
      "InvalidFeeDestination",
    );
  });

  for (const [what, c, err] of BAD_CONFIGS)
    it(`refuses ${what} (${err})`, async () => {
      refuse(f, await f.initIx(cfg(c)), [f.deployer], err);
    });

  it("accepts the limits themselves (fee 500 bps, band 9000 bps, min 1 Wh, age 1 s)", async () => {
    const edge = cfg({ feeBps: 500, priceBandBps: 9_000, minOrderWh: 1n, maxOracleAgeSecs: 1 });
    expectOk(f.chain.send(await f.initIx(edge), [f.deployer]));
    expect(plain(f.market_()).config).toEqual(edge);
  });
});

describe("administration", () => {
  let f: TradingFixture;
  beforeEach(async () => {
    f = await TradingFixture.create();
  });

  it("set_market_params replaces config, fee destination and emergency authority", async () => {
    const next = cfg({ feeBps: 100, priceBandBps: 1_000, minOrderWh: 500n, maxOracleAgeSecs: 60 });
    const fee2 = createAta(f.chain, Keypair.generate().publicKey, f.thbcMint);
    const em2 = Keypair.generate().publicKey;
    const r = expectOk(
      f.chain.send(await f.setParamsIx(next, { feeDestination: fee2, emergencyAuthority: em2 }), [
        f.paramsAuthority,
      ]),
    );
    const m = plain(f.market_());
    expect(m.config).toEqual(next);
    expect(m.feeDestination).toBe(fee2.toBase58());
    expect(m.emergencyAuthority).toBe(em2.toBase58());
    expect(plain(f.event(r, "marketParamsChanged"))).toEqual({
      authority: f.paramsAuthority.publicKey.toBase58(),
      feeDestination: fee2.toBase58(),
      emergencyAuthority: em2.toBase58(),
      previous: CONFIG,
      config: next,
    });
    expectCu(r, { max: CU.setMarketParams });
  });

  it("set_market_params refuses others (Unauthorized), a missing signature (AccountNotSigner), bad configs and fee destinations", async () => {
    const stranger = f.chain.newKeypair();
    refuse(
      f,
      await f.setParamsIx(CONFIG, { authority: stranger.publicKey }),
      [stranger],
      "Unauthorized",
    );
    const ix = await f.setParamsIx(CONFIG);
    ix.keys[0]!.isSigner = false;
    refuse(f, ix, [], "AccountNotSigner");
    for (const [, c, err] of BAD_CONFIGS)
      refuse(f, await f.setParamsIx(cfg(c)), [f.paramsAuthority], err);
    const gridAccount = createAta(f.chain, f.feeOwner.publicKey, f.gridMint);
    refuse(
      f,
      await f.setParamsIx(CONFIG, { feeDestination: gridAccount }),
      [f.paramsAuthority],
      "InvalidFeeDestination",
    );
  });

  it("the params authority hands over in two steps; only the pending key can accept; zero cancels", async () => {
    const next = f.chain.newKeypair();
    const r1 = expectOk(f.chain.send(await f.transferIx(next.publicKey), [f.paramsAuthority]));
    expect(plain(f.event(r1, "paramsAuthorityTransferProposed"))).toEqual({
      authority: f.paramsAuthority.publicKey.toBase58(),
      pendingAuthority: next.publicKey.toBase58(),
    });
    expectCu(r1, { max: CU.admin });
    // nothing changed hands yet: the old authority still rules, the new one does not
    expect(plain(f.market_()).paramsAuthority).toBe(f.paramsAuthority.publicKey.toBase58());
    refuse(f, await f.setParamsIx(CONFIG, { authority: next.publicKey }), [next], "Unauthorized");
    const stranger = f.chain.newKeypair();
    refuse(f, await f.acceptIx(stranger.publicKey), [stranger], "NotPendingAuthority");
    refuse(
      f,
      await f.transferIx(stranger.publicKey, stranger.publicKey),
      [stranger],
      "Unauthorized",
    );
    const r2 = expectOk(f.chain.send(await f.acceptIx(next.publicKey), [next]));
    expect(plain(f.event(r2, "paramsAuthorityTransferred"))).toEqual({
      previousAuthority: f.paramsAuthority.publicKey.toBase58(),
      newAuthority: next.publicKey.toBase58(),
    });
    expectCu(r2, { max: CU.admin });
    const m = plain(f.market_());
    expect(m.paramsAuthority).toBe(next.publicKey.toBase58());
    expect(m.pendingParamsAuthority).toBe(PublicKey.default.toBase58());
    refuse(f, await f.setParamsIx(CONFIG), [f.paramsAuthority], "Unauthorized");
    expectOk(f.chain.send(await f.setParamsIx(CONFIG, { authority: next.publicKey }), [next]));
    // a second accept finds nothing pending; the zero key cancels a proposal
    refuse(f, await f.acceptIx(next.publicKey), [next], "NotPendingAuthority");
    expectOk(f.chain.send(await f.transferIx(stranger.publicKey, next.publicKey), [next]));
    expectOk(f.chain.send(await f.transferIx(PublicKey.default, next.publicKey), [next]));
    refuse(f, await f.acceptIx(stranger.publicKey), [stranger], "NotPendingAuthority");
  });

  it("pause and unpause: the emergency authority only, each with its event", async () => {
    const r = await f.pause(true);
    expect(plain(f.event(r, "marketPauseChanged"))).toEqual({
      authority: f.emergencyAuthority.publicKey.toBase58(),
      paused: true,
    });
    expectCu(r, { max: CU.admin });
    expect(f.market_().paused).toBe(true);
    refuse(
      f,
      await f.pauseIx(false, f.paramsAuthority.publicKey),
      [f.paramsAuthority],
      "NotEmergencyAuthority",
    );
    const r2 = await f.pause(false);
    expect(plain(f.event(r2, "marketPauseChanged")).paused).toBe(false);
    expect(f.market_().paused).toBe(false);
    const stranger = f.chain.newKeypair();
    refuse(f, await f.pauseIx(true, stranger.publicKey), [stranger], "NotEmergencyAuthority");
    const ix = await f.pauseIx(true);
    ix.keys[0]!.isSigner = false;
    refuse(f, ix, [], "AccountNotSigner");
  });

  it("refuses a market account of the right layout owned by another program (AccountOwnedByWrongProgram)", async () => {
    // a copy of the real market's bytes at another address, owned by the oracle program
    const fake = Keypair.generate().publicKey;
    const real = f.chain.getAccount(f.market)!;
    f.chain.setAccount(fake, { ...real, owner: f.oracle.programId });
    const ix = await f.pauseIx(true);
    ix.keys[1]!.pubkey = fake;
    refuse(f, ix, [f.emergencyAuthority], "AccountOwnedByWrongProgram", [f.market, fake]);
    // and the same bytes owned by this program at another address: not the PDA
    f.chain.setAccount(fake, { ...real });
    refuse(f, ix, [f.emergencyAuthority], "ConstraintSeeds", [f.market, fake]);
  });
});
