/**
 * settle_balance on LiteSVM with the real Registry, Energy Token and SPL Token programs: GRID
 * minted = unsettled net generation, to the owner's associated token account only, through the
 * PDA-signed CPI; never twice; every refusal named and leaving every account unchanged.
 */
import { ASSOCIATED_TOKEN_PROGRAM_ID, TOKEN_PROGRAM_ID, createInitializeAccount3Instruction } from "@solana/spl-token";
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
  tokenBalance,
  type TxResult,
} from "~/programs/harness";
import { registryAddress, userAddress } from "./client";
import { gridMintAddress } from "../energy_token/client";
import { GridFixture, METER_ACTIVE, METER_SUSPENDED, T0, USER_ACTIVE, USER_SUSPENDED, type TestMeter } from "./fixture";
import { registryIdl } from "./idl/registry";

const U64_MAX = (1n << 64n) - 1n;
/** Measured 4,892 CU with an owner whose GRID ATA has bump 255 (the ATA check searches the
 * canonical bump: ~365 CU per extra try). The brief's ceiling, mint CPI included: 10,000. */
const SETTLE_CU = { bump255: 5_000, ceiling: 10_000 };

/** A deterministic wallet whose GRID associated token account has canonical bump 255. */
function ownerWithAtaBump255(): Keypair {
  for (let i = 1; ; i++) {
    const kp = Keypair.fromSeed(new Uint8Array(32).fill(i));
    const [, bump] = PublicKey.findProgramAddressSync(
      [kp.publicKey.toBuffer(), TOKEN_PROGRAM_ID.toBuffer(), gridMintAddress().toBuffer()],
      ASSOCIATED_TOKEN_PROGRAM_ID,
    );
    if (bump === 255) return kp;
  }
}

describe("registry: settle_balance", () => {
  let f: GridFixture;
  let m: TestMeter;
  const mint = () => gridMintAddress();
  const snap = (extra: PublicKey[] = []) => f.chain.snapshot([m.meter, m.ata, mint(), userAddress(m.owner.publicKey), registryAddress(), ...extra]);
  const refused = (r: TxResult, name: string, before: ReturnType<typeof snap>) => {
    expectAnchorError(r, name, registryIdl);
    expectUnchanged(f.chain, before);
  };
  /** The energy of one interval ending at `ts` (submitDelta adds it to the last registers). */
  const read = (p: number, c: number, ts: number) => ({ productionWh: p, consumptionWh: c, timestamp: ts });
  const settleWith = async (change: (ix: TransactionInstruction) => void) => {
    const ix = await f.settleIx(m.meterId, m.owner.publicKey);
    change(ix);
    return f.chain.send(ix);
  };

  beforeEach(async () => {
    f = await GridFixture.create();
    // Activated and baselined two hours before T0, so readings up to T0 have room under capacity.
    f.chain.setUnixTimestamp(T0 - 7_200);
    m = await f.meterWithBaseline(await f.user({ wallet: ownerWithAtaBump255() }), { capacityW: 5_000 });
    f.chain.setUnixTimestamp(T0);
  });

  it("mints production - consumption as GRID (1 base unit = 1 Wh) to the owner's ATA; anyone may send it; events from both programs", async () => {
    expectOk(await f.submitDelta(m, read(1_200, 300, T0)));
    const stranger = f.chain.newKeypair();
    const r = expectOk(await f.settle(m, { feePayer: stranger }));
    expect(tokenBalance(f.chain, m.ata)).toBe(900n);
    expect(mintSupply(f.chain, mint())).toBe(900n);
    expect(f.meterState(m.meter).settledNetGen).toBe(900n);
    const [settled] = f.chain.events(f.registry, r);
    expect(settled?.name).toBe("balanceSettled");
    expect(String(settled?.data.amount)).toBe("900");
    expect(String(settled?.data.settledNetGen)).toBe("900");
    expect((settled?.data.destination as PublicKey).equals(m.ata)).toBe(true);
    expect((settled?.data.owner as PublicKey).equals(m.owner.publicKey)).toBe(true);
    expect(r.logs).toContain(`Program ${f.energyToken.programId.toBase58()} invoke [2]`);
    expect(r.logs).toContain(`Program ${TOKEN_PROGRAM_ID.toBase58()} invoke [3]`);
    const minted = r.logs
      .filter((l) => l.startsWith("Program data: "))
      .map((l): { name: string; data: Record<string, unknown> } | null => f.energyToken.coder.events.decode(l.slice(14)))
      .find((e) => e?.name === "gridMinted");
    expect(String(minted?.data.amount)).toBe("900");
    expect(String(minted?.data.supply)).toBe("900");
    expectCu(r, { max: SETTLE_CU.bump255 });
  });

  it("stays within 10,000 CU for 12 random owners (any ATA bump)", async () => {
    for (let i = 0; i < 12; i++) {
      const o = await f.meterWithBaseline();
      expectOk(await f.submitDelta(o, read(10, 0, T0 + 300)));
      expectCu(expectOk(await f.settle(o)), { max: SETTLE_CU.ceiling });
    }
  });

  it("settling twice mints nothing more: the second is refused (NothingToSettle) and changes nothing", async () => {
    expectOk(await f.submitDelta(m, read(1_000, 0, T0)));
    expectOk(await f.settle(m));
    const before = snap();
    refused(await f.settle(m), "NothingToSettle", before);
    expect(mintSupply(f.chain, mint())).toBe(1_000n);
  });

  it("two settles in one transaction: the second fails and the whole transaction mints nothing", async () => {
    expectOk(await f.submitDelta(m, read(1_000, 0, T0)));
    const ix = await f.settleIx(m.meterId, m.owner.publicKey);
    const before = snap();
    const r = f.chain.send([ix, ix]);
    expectAnchorError(r, "NothingToSettle", registryIdl, { index: 1 });
    expectUnchanged(f.chain, before);
  });

  it("later readings settle only their increment", async () => {
    expectOk(await f.submitDelta(m, read(1_000, 100, T0 - 600)));
    expectOk(await f.settle(m));
    expectOk(await f.submitDelta(m, read(400, 50, T0)));
    const r = expectOk(await f.settle(m));
    expect(String(f.chain.events(f.registry, r)[0]?.data.amount)).toBe("350");
    expect(tokenBalance(f.chain, m.ata)).toBe(1_250n);
    expect(f.meterState(m.meter).settledNetGen).toBe(1_250n);
  });

  it("never mints when consumption covers production (NothingToSettle)", async () => {
    expectOk(await f.submitDelta(m, read(500, 500, T0 - 600)));
    let before = snap();
    refused(await f.settle(m), "NothingToSettle", before);
    expectOk(await f.submitDelta(m, read(0, 1_000, T0)));
    before = snap();
    refused(await f.settle(m), "NothingToSettle", before);
  });

  it("consumption after a settlement is a deficit: nothing is minted until production exceeds what was settled", async () => {
    expectOk(await f.submitDelta(m, read(1_000, 0, T0 - 1_200)));
    expectOk(await f.settle(m)); // settled 1000
    expectOk(await f.submitDelta(m, read(0, 400, T0 - 600))); // net 600 < settled
    const before = snap();
    refused(await f.settle(m), "NothingToSettle", before);
    expectOk(await f.submitDelta(m, read(500, 0, T0))); // net 1100
    const r = expectOk(await f.settle(m));
    expect(String(f.chain.events(f.registry, r)[0]?.data.amount)).toBe("100");
    expect(mintSupply(f.chain, mint())).toBe(1_100n);
  });

  it("refuses a suspended meter (MeterNotActive) and a suspended user (UserNotActive); settles everything after reactivation", async () => {
    expectOk(await f.submitDelta(m, read(700, 0, T0)));
    expectOk(f.chain.send(await f.setMeterStatusIx(m.meter, METER_SUSPENDED), [f.admin]));
    let before = snap();
    refused(await f.settle(m), "MeterNotActive", before);
    expectOk(f.chain.send(await f.setMeterStatusIx(m.meter, METER_ACTIVE), [f.admin]));
    expectOk(f.chain.send(await f.setUserStatusIx(userAddress(m.owner.publicKey), USER_SUSPENDED), [f.admin]));
    before = snap();
    refused(await f.settle(m), "UserNotActive", before);
    expectOk(f.chain.send(await f.setUserStatusIx(userAddress(m.owner.publicKey), USER_ACTIVE), [f.admin]));
    expectOk(await f.settle(m));
    expect(tokenBalance(f.chain, m.ata)).toBe(700n);
  });

  describe("the destination is the owner's GRID associated token account, nothing else", () => {
    beforeEach(async () => {
      expectOk(await f.submitDelta(m, read(900, 0, T0)));
    });

    it("refuses the sender's own GRID ATA (InvalidOwnerTokenAccount)", async () => {
      const thief = f.chain.newKeypair();
      const thiefAta = createAta(f.chain, thief.publicKey, mint());
      const before = snap([thiefAta]);
      refused(await settleWith((ix) => (ix.keys[3]!.pubkey = thiefAta)), "InvalidOwnerTokenAccount", before);
    });

    it("refuses a GRID token account of the owner that is not the associated one (InvalidOwnerTokenAccount)", async () => {
      const other = Keypair.generate();
      expectOk(
        f.chain.send(
          [
            SystemProgram.createAccount({ fromPubkey: f.chain.payer.publicKey, newAccountPubkey: other.publicKey, lamports: Number(f.chain.minimumBalance(165)), space: 165, programId: TOKEN_PROGRAM_ID }),
            createInitializeAccount3Instruction(other.publicKey, mint(), m.owner.publicKey),
          ],
          [other],
        ),
      );
      const before = snap([other.publicKey]);
      refused(await settleWith((ix) => (ix.keys[3]!.pubkey = other.publicKey)), "InvalidOwnerTokenAccount", before);
    });

    it("refuses when the owner's ATA does not exist yet (InvalidOwnerTokenAccount); works once it does", async () => {
      const n = await f.pendingMeter();
      expectOk(f.chain.send(await f.setMeterStatusIx(n.meter, METER_ACTIVE), [f.admin]));
      expectOk(await f.submitDelta(n, read(0, 0, T0))); // the baseline
      expectOk(await f.submitDelta(n, read(10, 0, T0 + 300)));
      const before = f.chain.snapshot([n.meter, n.ata, mint()]);
      expectAnchorError(await f.settle(n), "InvalidOwnerTokenAccount", registryIdl);
      expectUnchanged(f.chain, before);
      createAta(f.chain, n.owner.publicKey, mint());
      expectOk(await f.settle(n));
      expect(tokenBalance(f.chain, n.ata)).toBe(10n);
    });

    it("refuses the owner's ATA of another mint (InvalidOwnerTokenAccount)", async () => {
      const other = createMint(f.chain, { authority: f.admin.publicKey, decimals: 3 });
      const otherAta = createAta(f.chain, m.owner.publicKey, other);
      const before = snap([otherAta]);
      refused(await settleWith((ix) => (ix.keys[3]!.pubkey = otherAta)), "InvalidOwnerTokenAccount", before);
    });
  });

  describe("account checks", () => {
    beforeEach(async () => {
      expectOk(await f.submitDelta(m, read(900, 0, T0)));
    });

    it("refuses another user's account in place of the owner's (OwnerMismatch)", async () => {
      const other = await f.user();
      const before = snap();
      refused(await settleWith((ix) => (ix.keys[1]!.pubkey = userAddress(other.publicKey))), "OwnerMismatch", before);
    });

    it("refuses a CPI target other than Energy Token, and a fake token program (InvalidProgramId)", async () => {
      const before = snap();
      refused(await settleWith((ix) => (ix.keys[7]!.pubkey = TOKEN_PROGRAM_ID)), "InvalidProgramId", before);
      refused(await settleWith((ix) => (ix.keys[6]!.pubkey = f.energyToken.programId)), "InvalidProgramId", before);
    });

    it("refuses another mint (InvalidGridMint) and another mint authority (InvalidMintAuthority)", async () => {
      const other = createMint(f.chain, { authority: f.admin.publicKey, decimals: 3 });
      const before = snap([other]);
      refused(await settleWith((ix) => (ix.keys[4]!.pubkey = other)), "InvalidGridMint", before);
      refused(await settleWith((ix) => (ix.keys[5]!.pubkey = f.admin.publicKey)), "InvalidMintAuthority", before);
    });

    it("refuses copies of the meter, the user and the registry at other addresses (ConstraintSeeds)", async () => {
      for (const [index, key] of [
        [0, m.meter],
        [1, userAddress(m.owner.publicKey)],
        [2, registryAddress()],
      ] as const) {
        const real = f.chain.getAccount(key)!;
        const copy = Keypair.generate().publicKey;
        f.chain.setAccount(copy, { lamports: real.lamports, owner: f.registry.programId, data: real.data });
        const before = snap([copy]);
        refused(await settleWith((ix) => (ix.keys[index]!.pubkey = copy)), "ConstraintSeeds", before);
      }
    });

    it("refuses a meter with the right layout owned by another program (AccountOwnedByWrongProgram)", async () => {
      const real = f.chain.getAccount(m.meter)!;
      const fake = Keypair.generate().publicKey;
      f.chain.setAccount(fake, { lamports: real.lamports, owner: SystemProgram.programId, data: real.data });
      const before = snap([fake]);
      refused(await settleWith((ix) => (ix.keys[0]!.pubkey = fake)), "AccountOwnedByWrongProgram", before);
    });

    it("refuses a read-only meter (AccountNotMutable) and too few accounts (AccountNotEnoughKeys)", async () => {
      const before = snap();
      refused(await settleWith((ix) => (ix.keys[0]!.isWritable = false)), "AccountNotMutable", before);
      refused(await settleWith((ix) => (ix.keys = ix.keys.slice(0, 7))), "AccountNotEnoughKeys", before);
    });
  });

  it("u64 extremes: a u64::MAX net mints exactly; a supply overflow in the token program reverts the tracker too", async () => {
    const a = await f.meterWithBaseline(undefined, { capacityW: U64_MAX });
    const b = await f.meterWithBaseline(undefined, { capacityW: U64_MAX });
    f.chain.advanceTime(3_600); // 1 h at u64::MAX W bounds u64::MAX Wh
    expectOk(await f.submitDelta(a, { productionWh: U64_MAX, consumptionWh: 0, timestamp: T0 + 3_600 }));
    expectOk(await f.settle(a));
    expect(tokenBalance(f.chain, a.ata)).toBe(U64_MAX);
    expectOk(await f.submitDelta(b, { productionWh: 5n, consumptionWh: 0, timestamp: T0 + 3_600 }));
    const before = f.chain.snapshot([b.meter, b.ata, mint()]);
    const r = await f.settle(b);
    expect(r.ok).toBe(false);
    expect(r.logs.some((l) => l.includes(`Program ${TOKEN_PROGRAM_ID.toBase58()} failed`))).toBe(true);
    expectUnchanged(f.chain, before);
    expect(f.meterState(b.meter).settledNetGen).toBe(0n);
  });
});
