/**
 * Energy Token on LiteSVM with the real .so files: initialize (the GRID mint and TokenConfig),
 * mint_from_production refused when called directly (only the Registry's PDA-signed CPI mints;
 * that path is exercised in programs/registry/settle.test.ts), and burn by the holder.
 */
import { MintLayout, TOKEN_PROGRAM_ID, createMintToInstruction, createTransferInstruction } from "@solana/spl-token";
import { Keypair, PublicKey, SystemProgram, type TransactionInstruction } from "@solana/web3.js";
import { beforeEach, describe, expect, it } from "vitest";
import {
  createAta,
  createMint,
  expectAnchorError,
  expectCu,
  expectOk,
  expectUnchanged,
  mintSupply,
  mintTo,
  tokenBalance,
  type TxResult,
} from "~/programs/harness";
import { registryAddress, REGISTRY_ID } from "~/programs/registry/client";
import {
  burnInstruction,
  gridMintAddress,
  mintAuthorityAddress,
  mintFromProductionInstruction,
  tokenConfigAddress,
} from "~/programs/energy_token/client";
import { GridFixture, T0, type TestMeter } from "~/programs/registry/fixture";
import { energyTokenIdl } from "./idl/energy_token";

/** Measured: initialize 5,817; burn: see the burn test. */
const CU = { initialize: 5_900, burn: 1_900 };

describe("energy_token: initialize", () => {
  let f: GridFixture;
  beforeEach(async () => {
    f = await GridFixture.create({ initialize: false });
  });

  it("creates the GRID mint (3 decimals, mint authority the PDA, no freeze authority) and TokenConfig; TokenInitialized", async () => {
    const r = expectOk(f.chain.send(await f.initEnergyTokenIx(f.chain.payer.publicKey), [f.deployer]));
    const mintAcc = f.chain.getAccount(gridMintAddress())!;
    expect(mintAcc.owner.equals(TOKEN_PROGRAM_ID)).toBe(true);
    const mint = MintLayout.decode(mintAcc.data);
    expect(mint.decimals).toBe(3);
    expect(mint.isInitialized).toBe(true);
    expect(mint.mintAuthorityOption).toBe(1);
    expect(mint.mintAuthority.equals(mintAuthorityAddress())).toBe(true);
    expect(mint.freezeAuthorityOption).toBe(0);
    expect(mint.supply).toBe(0n);
    expect(mintAcc.lamports).toBe(f.chain.minimumBalance(82));
    const cfg = f.energyToken.coder.accounts.decode<Record<string, unknown>>("tokenConfig", f.chain.getAccount(tokenConfigAddress())!.data);
    expect((cfg.authority as PublicKey).equals(f.deployer.publicKey)).toBe(true);
    expect((cfg.gridMint as PublicKey).equals(gridMintAddress())).toBe(true);
    expect((cfg.mintAuthority as PublicKey).equals(mintAuthorityAddress())).toBe(true);
    expect((cfg.registryProgram as PublicKey).equals(REGISTRY_ID)).toBe(true);
    expect((cfg.registryAuthority as PublicKey).equals(registryAddress())).toBe(true);
    expect(cfg.decimals).toBe(3);
    const bump = (seed: string) => PublicKey.findProgramAddressSync([Buffer.from(seed)], f.energyToken.programId)[1];
    expect([cfg.bump, cfg.gridMintBump, cfg.mintAuthorityBump]).toEqual([bump("token_config"), bump("grid_mint"), bump("mint_authority")]);
    const [e] = f.chain.events(f.energyToken, r);
    expect(e?.name).toBe("tokenInitialized");
    expect((e?.data.registryProgram as PublicKey).equals(REGISTRY_ID)).toBe(true);
    expectCu(r, { max: CU.initialize });
  });

  it("the payer does not choose who may mint: any payer records the same Registry program and PDA", async () => {
    const stranger = f.chain.newKeypair();
    expectOk(f.chain.send(await f.initEnergyTokenIx(stranger.publicKey), [stranger, f.deployer]));
    const cfg = f.energyToken.coder.accounts.decode<Record<string, unknown>>("tokenConfig", f.chain.getAccount(tokenConfigAddress())!.data);
    expect((cfg.registryAuthority as PublicKey).equals(registryAddress())).toBe(true);
  });

  it("works when someone pre-funded the mint and config addresses", async () => {
    f.chain.airdrop(gridMintAddress(), f.chain.minimumBalance(0)); // short of 82 bytes' rent: the top-up path
    f.chain.airdrop(tokenConfigAddress(), f.chain.minimumBalance(500));
    expectOk(f.chain.send(await f.initEnergyTokenIx(f.chain.payer.publicKey), [f.deployer]));
    expect(MintLayout.decode(f.chain.getAccount(gridMintAddress())!.data).decimals).toBe(3);
    expect(f.chain.getAccount(tokenConfigAddress())!.owner.equals(f.energyToken.programId)).toBe(true);
  });

  const refusedInit = (r: TxResult, name: string, before: ReturnType<GridFixture["chain"]["snapshot"]>) => {
    expectAnchorError(r, name, energyTokenIdl);
    expectUnchanged(f.chain, before);
  };
  const initWith = async (change: (ix: TransactionInstruction) => void) => {
    const ix = await f.initEnergyTokenIx(f.chain.payer.publicKey);
    change(ix);
    return f.chain.send(ix, ix.keys[1]!.isSigner ? [f.deployer] : []);
  };

  it("refuses anyone but the deploy authority (NotDeployAuthority): nobody can front-run a fresh deployment", async () => {
    const stranger = f.chain.newKeypair();
    const before = f.chain.snapshot([tokenConfigAddress(), gridMintAddress()]);
    const ix = await f.initEnergyTokenIx(stranger.publicKey, stranger.publicKey);
    refusedInit(f.chain.send(ix, [stranger], { feePayer: stranger }), "NotDeployAuthority", before);
    expectOk(f.chain.send(await f.initEnergyTokenIx(f.chain.payer.publicKey), [f.deployer]));
  });

  it("refuses a second initialize (AccountNotSystemOwned)", async () => {
    expectOk(f.chain.send(await f.initEnergyTokenIx(f.chain.payer.publicKey), [f.deployer]));
    const before = f.chain.snapshot([tokenConfigAddress(), gridMintAddress()]);
    refusedInit(await initWith(() => undefined), "AccountNotSystemOwned", before);
  });

  it("refuses addresses that are not the PDAs (ConstraintSeeds), a fake token program (InvalidProgramId), an unsigned payer or deploy authority (AccountNotSigner)", async () => {
    const k1 = Keypair.generate();
    const k2 = Keypair.generate();
    const before = f.chain.snapshot([tokenConfigAddress(), gridMintAddress(), k1.publicKey, k2.publicKey]);
    refusedInit(await initWith((ix) => (ix.keys[2]!.pubkey = k1.publicKey)), "ConstraintSeeds", before);
    refusedInit(await initWith((ix) => (ix.keys[3]!.pubkey = k2.publicKey)), "ConstraintSeeds", before);
    refusedInit(await initWith((ix) => (ix.keys[4]!.pubkey = SystemProgram.programId)), "InvalidProgramId", before);
    refusedInit(await initWith((ix) => (ix.keys[1]!.isSigner = false)), "AccountNotSigner", before);
    const other = f.chain.newKeypair();
    const ix = await f.initEnergyTokenIx(other.publicKey);
    ix.keys[0]!.isSigner = false;
    refusedInit(f.chain.send(ix, [f.deployer]), "AccountNotSigner", before);
  });
});

describe("energy_token: mint_from_production is only reachable through the Registry", () => {
  let f: GridFixture;
  let m: TestMeter;
  beforeEach(async () => {
    f = await GridFixture.create();
    m = await f.activeMeter();
  });

  const directIx = (registryAuthority: PublicKey, amount = 1_000n) =>
    mintFromProductionInstruction(f.energyToken, { registryAuthority, destination: m.ata, amount });

  it("refuses a direct call naming the Registry PDA, which nobody but the Registry can sign (AccountNotSigner)", async () => {
    const ix = await directIx(registryAddress());
    ix.keys[0]!.isSigner = false; // the only way to name it: nobody holds its private key
    const before = f.chain.snapshot([m.ata, gridMintAddress()]);
    expectAnchorError(f.chain.send(ix), "AccountNotSigner", energyTokenIdl);
    expectUnchanged(f.chain, before);
  });

  it("refuses a direct call signed by anyone else, the registry admin included (UnauthorizedMinter)", async () => {
    const before = f.chain.snapshot([m.ata, gridMintAddress()]);
    for (const signer of [f.chain.newKeypair(), f.admin, m.owner]) {
      expectAnchorError(f.chain.send(await directIx(signer.publicKey), [signer]), "UnauthorizedMinter", energyTokenIdl);
    }
    expectUnchanged(f.chain, before);
    expect(mintSupply(f.chain, gridMintAddress())).toBe(0n);
  });

  it("the mint authority is the PDA: not even the token program's MintTo works without Energy Token signing for it", () => {
    const ix = createMintToInstruction(gridMintAddress(), m.ata, mintAuthorityAddress(), 5n);
    ix.keys[2]!.isSigner = false;
    const before = f.chain.snapshot([m.ata, gridMintAddress()]);
    expect(f.chain.send(ix).ok).toBe(false);
    expectUnchanged(f.chain, before);
  });
});

describe("energy_token: burn", () => {
  let f: GridFixture;
  let m: TestMeter;
  beforeEach(async () => {
    f = await GridFixture.create();
    m = await f.meterWithBaseline();
    f.chain.advanceTime(3_600);
    expectOk(await f.submit(m, { productionRegisterWh: 2_000, consumptionRegisterWh: 0, timestamp: T0 + 3_600 }));
    expectOk(await f.settle(m));
  });

  const burnIx = (holder: PublicKey, tokenAccount: PublicKey, amount: bigint, mint = gridMintAddress()) =>
    burnInstruction(f.energyToken, { holder, tokenAccount, amount, gridMint: mint });
  const refused = (r: TxResult, name: string, before: ReturnType<GridFixture["chain"]["snapshot"]>) => {
    expectAnchorError(r, name, energyTokenIdl);
    expectUnchanged(f.chain, before);
  };

  it("the holder burns its own GRID: balance and supply drop; GridBurned", async () => {
    const r = expectOk(f.chain.send(await burnIx(m.owner.publicKey, m.ata, 750n), [m.owner]));
    expect(tokenBalance(f.chain, m.ata)).toBe(1_250n);
    expect(mintSupply(f.chain, gridMintAddress())).toBe(1_250n);
    const [e] = f.chain.events(f.energyToken, r);
    expect(e?.name).toBe("gridBurned");
    expect((e?.data.holder as PublicKey).equals(m.owner.publicKey)).toBe(true);
    expect([String(e?.data.amount), String(e?.data.supply)]).toEqual(["750", "1250"]);
    expectCu(r, { max: CU.burn });
  });

  it("GRID moved to another wallet is burned by its new holder", async () => {
    const other = f.chain.newKeypair();
    const otherAta = createAta(f.chain, other.publicKey, gridMintAddress());
    expectOk(f.chain.send(createTransferInstruction(m.ata, otherAta, m.owner.publicKey, 500n), [m.owner]));
    expectOk(f.chain.send(await burnIx(other.publicKey, otherAta, 500n), [other]));
    expect(mintSupply(f.chain, gridMintAddress())).toBe(1_500n);
  });

  it("refuses zero (ZeroAmount), another mint (InvalidMint), an unsigned holder (AccountNotSigner), a fake token program (InvalidProgramId)", async () => {
    const otherMintAuthority = f.chain.newKeypair();
    const otherMint = createMint(f.chain, { authority: otherMintAuthority.publicKey, decimals: 3 });
    const otherAta = createAta(f.chain, m.owner.publicKey, otherMint);
    mintTo(f.chain, otherMint, otherAta, otherMintAuthority, 10n);
    const before = f.chain.snapshot([m.ata, gridMintAddress(), otherAta, otherMint]);
    refused(f.chain.send(await burnIx(m.owner.publicKey, m.ata, 0n), [m.owner]), "ZeroAmount", before);
    refused(f.chain.send(await burnIx(m.owner.publicKey, otherAta, 5n, otherMint), [m.owner]), "InvalidMint", before);
    const unsigned = await burnIx(m.owner.publicKey, m.ata, 5n);
    unsigned.keys[0]!.isSigner = false;
    refused(f.chain.send(unsigned), "AccountNotSigner", before);
    const fake = await burnIx(m.owner.publicKey, m.ata, 5n);
    fake.keys[3]!.pubkey = SystemProgram.programId;
    refused(f.chain.send(fake, [m.owner]), "InvalidProgramId", before);
  });

  it("the token program refuses burning someone else's GRID, or more than the balance; nothing changes", async () => {
    const thief = f.chain.newKeypair();
    const before = f.chain.snapshot([m.ata, gridMintAddress()]);
    const r1 = f.chain.send(await burnIx(thief.publicKey, m.ata, 1n), [thief]);
    const r2 = f.chain.send(await burnIx(m.owner.publicKey, m.ata, 2_001n), [m.owner]);
    for (const r of [r1, r2]) {
      expect(r.ok).toBe(false);
      expect(r.logs.some((l) => l.includes(`Program ${TOKEN_PROGRAM_ID.toBase58()} failed`))).toBe(true);
    }
    expectUnchanged(f.chain, before);
  });
});
