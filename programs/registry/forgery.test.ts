/**
 * Forged or missing meter attestations for submit_reading. Each forged transaction that passes
 * the Ed25519 precompile (so only our program stands between it and a forged reading) is
 * refused with its named error and leaves the meter unchanged. The classic forgery is an
 * Ed25519 instruction whose offsets make the precompile verify bytes in ANOTHER instruction
 * (a signature the attacker does hold) while its own data shows the meter's key and a reading
 * the meter never signed.
 */
import { ComputeBudgetProgram, Ed25519Program, TransactionInstruction } from "@solana/web3.js";
import { beforeEach, describe, expect, it } from "vitest";
import { expectAnchorError, expectOk, expectUnchanged, type TxResult } from "~/programs/harness";
import { ED25519_SELF, ed25519Data, ed25519Instruction } from "~/programs/harness/ed25519";
import { encodeReading, generateMeterKeyPair, signReading, type MeterKeyPair, type MeterReading } from "~/lib/meter-reading";
import { sign } from "node:crypto";
import { GridFixture, T0, type TestMeter } from "./fixture";
import { registryIdl } from "./idl/registry";

describe("registry: forged and missing reading attestations", () => {
  let f: GridFixture;
  let m: TestMeter;
  let attacker: MeterKeyPair;
  /** What the attacker wants booked: a reading the meter never signed. */
  let forged: MeterReading;
  /** A reading the meter really signed earlier (the attacker has seen it on chain). */
  let genuine: MeterReading;

  const submitIx = async (r: MeterReading) => (await f.readingIxs(r, m.key))[1]!;
  const snap = () => f.chain.snapshot([m.meter]);
  const refused = (r: TxResult, name: string, before: ReturnType<typeof snap>) => {
    expectAnchorError(r, name, registryIdl);
    expectUnchanged(f.chain, before);
  };
  const signRaw = (msg: Uint8Array, k: MeterKeyPair) => Uint8Array.from(sign(null, msg, k.privateKey));

  beforeEach(async () => {
    f = await GridFixture.create();
    // Activated with its baseline (registers 0) an hour before T0.
    f.chain.setUnixTimestamp(T0 - 3_600);
    m = await f.meterWithBaseline(undefined, { capacityW: 5_000 });
    f.chain.setUnixTimestamp(T0);
    attacker = generateMeterKeyPair();
    genuine = { meterId: m.meterId, productionRegisterWh: 100, consumptionRegisterWh: 0, timestamp: T0 - 600 };
    forged = { meterId: m.meterId, productionRegisterWh: 4_000, consumptionRegisterWh: 0, timestamp: T0 };
  });

  it("control: the honest pair is accepted, also with the Ed25519 offsets naming its own index explicitly", async () => {
    expectOk(f.chain.send(await f.readingIxs(genuine, m.key)));
    const r = { ...forged, productionRegisterWh: 150 };
    const attest = ed25519Instruction([{ publicKey: m.key.publicKey, signature: signReading(r, m.key.privateKey), message: encodeReading(r) }], () => ({
      signatureInstructionIndex: 0,
      publicKeyInstructionIndex: 0,
      messageInstructionIndex: 0,
    }));
    expectOk(f.chain.send([attest, await submitIx(r)]));
    expect(f.meterState(m.meter).totalProduction).toBe(150n);
  });

  it("no attestation at all: submit_reading alone (MissingSignatureInstruction)", async () => {
    const before = snap();
    refused(f.chain.send(await submitIx(forged)), "MissingSignatureInstruction", before);
  });

  it("the attestation placed after submit_reading instead of before (MissingSignatureInstruction)", async () => {
    const [attest, submit] = await f.readingIxs(forged, m.key);
    const before = snap();
    refused(f.chain.send([submit!, attest!]), "MissingSignatureInstruction", before);
  });

  it("another instruction just before submit_reading (NotEd25519Instruction), even with a valid attestation earlier", async () => {
    const [attest, submit] = await f.readingIxs(forged, m.key);
    const other = ComputeBudgetProgram.setComputeUnitPrice({ microLamports: 1 });
    const before = snap();
    refused(f.chain.send([other, submit!]), "NotEd25519Instruction", before);
    refused(f.chain.send([attest!, other, submit!]), "NotEd25519Instruction", before);
  });

  it("one attestation cannot serve two submissions: the second sees submit_reading before it (NotEd25519Instruction)", async () => {
    const [attest, submit] = await f.readingIxs(genuine, m.key);
    const before = snap();
    const r = f.chain.send([attest!, submit!, submit!]);
    expectAnchorError(r, "NotEd25519Instruction", registryIdl, { index: 2 });
    expectUnchanged(f.chain, before);
  });

  it("an Ed25519 instruction with zero signatures (InvalidSignatureInstruction)", async () => {
    const empty = new TransactionInstruction({ programId: Ed25519Program.programId, keys: [], data: Buffer.from([0, 0]) });
    const before = snap();
    refused(f.chain.send([empty, await submitIx(forged)]), "InvalidSignatureInstruction", before);
  });

  it("two signatures in the attestation, even both valid and one by the meter (InvalidSignatureInstruction)", async () => {
    const msg = encodeReading(forged);
    const before = snap();
    const real = { publicKey: m.key.publicKey, signature: signRaw(encodeReading(genuine), m.key), message: encodeReading(genuine) };
    const decoy = { publicKey: attacker.publicKey, signature: signRaw(msg, attacker), message: msg };
    refused(f.chain.send([ed25519Instruction([real, decoy]), await submitIx(forged)]), "InvalidSignatureInstruction", before);
    const real2 = { publicKey: m.key.publicKey, signature: signReading(forged, m.key.privateKey), message: msg };
    refused(f.chain.send([ed25519Instruction([real2, real2]), await submitIx(forged)]), "InvalidSignatureInstruction", before);
  });

  describe("offsets pointing at another instruction (the precompile verifies one thing, the data shows another)", () => {
    /** Instruction 0 holds bytes the attacker can get verified, at the same offsets instruction 1
     * uses for its own (forged) bytes; `redirect` sends some of instruction 1's offsets to 0. */
    const forgedTx = async (decoyEntry: { publicKey: Uint8Array; signature: Uint8Array; message: Uint8Array }, redirect: { sig?: boolean; key?: boolean; msg?: boolean }) => {
      const decoy = ed25519Instruction([decoyEntry]);
      const shown = { publicKey: m.key.publicKey, signature: decoyEntry.signature, message: encodeReading(forged) };
      const { data } = ed25519Data([shown], () => ({
        signatureInstructionIndex: redirect.sig ? 0 : ED25519_SELF,
        publicKeyInstructionIndex: redirect.key ? 0 : ED25519_SELF,
        messageInstructionIndex: redirect.msg ? 0 : ED25519_SELF,
      }));
      const lying = new TransactionInstruction({ programId: Ed25519Program.programId, keys: [], data });
      return [decoy, lying, await submitIx(forged)];
    };

    it("key, signature and message all read from another instruction (the attacker's own valid signature)", async () => {
      const msg = encodeReading(forged);
      const ixs = await forgedTx({ publicKey: attacker.publicKey, signature: signRaw(msg, attacker), message: msg }, { sig: true, key: true, msg: true });
      const before = snap();
      refused(f.chain.send(ixs), "InvalidSignatureInstruction", before);
    });

    it("only the public key read from another instruction (attacker key there, meter key shown)", async () => {
      const msg = encodeReading(forged);
      const ixs = await forgedTx({ publicKey: attacker.publicKey, signature: signRaw(msg, attacker), message: msg }, { key: true });
      const before = snap();
      refused(f.chain.send(ixs), "InvalidSignatureInstruction", before);
    });

    it("only the message read from another instruction (an old genuine reading there, the forged one shown)", async () => {
      const old = encodeReading(genuine);
      const ixs = await forgedTx({ publicKey: m.key.publicKey, signature: signRaw(old, m.key), message: old }, { msg: true });
      const before = snap();
      refused(f.chain.send(ixs), "InvalidSignatureInstruction", before);
    });

    it("the precompile really accepts these forged instructions: the same transactions without submit_reading succeed", async () => {
      const msg = encodeReading(forged);
      const a = await forgedTx({ publicKey: attacker.publicKey, signature: signRaw(msg, attacker), message: msg }, { key: true });
      const old = encodeReading(genuine);
      const b = await forgedTx({ publicKey: m.key.publicKey, signature: signRaw(old, m.key), message: old }, { msg: true });
      expectOk(f.chain.send(a.slice(0, 2)));
      expectOk(f.chain.send(b.slice(0, 2)));
    });
  });

  it("a different message: the meter signed other numbers than those submitted (SignedMessageMismatch)", async () => {
    const attest = Ed25519Program.createInstructionWithPublicKey({
      publicKey: m.key.publicKey,
      message: encodeReading(genuine),
      signature: signReading(genuine, m.key.privateKey),
    });
    const before = snap();
    refused(f.chain.send([attest, await submitIx({ ...genuine, productionRegisterWh: 1_000 })]), "SignedMessageMismatch", before);
  });

  it.each([
    ["with a trailing byte", (b: Uint8Array) => Uint8Array.from([...b, 0])],
    ["truncated", (b: Uint8Array) => b.subarray(0, 77)],
    ["under another domain (V3)", (b: Uint8Array) => ((b[20] = "3".charCodeAt(0)), b)],
    ["under the old V1 domain", (b: Uint8Array) => ((b[20] = "1".charCodeAt(0)), b)],
  ])("a message the meter did sign but that is not canonical - %s (SignedMessageMismatch)", async (_, mutate) => {
    const msg = mutate(encodeReading(forged));
    const attest = Ed25519Program.createInstructionWithPublicKey({ publicKey: m.key.publicKey, message: msg, signature: signRaw(msg, m.key) });
    const before = snap();
    refused(f.chain.send([attest, await submitIx(forged)]), "SignedMessageMismatch", before);
  });

  it("a different public key: the exact canonical reading signed by the attacker (SignerKeyMismatch)", async () => {
    const attest = Ed25519Program.createInstructionWithPublicKey({
      publicKey: attacker.publicKey,
      message: encodeReading(forged),
      signature: signReading(forged, attacker.privateKey),
    });
    const before = snap();
    refused(f.chain.send([attest, await submitIx(forged)]), "SignerKeyMismatch", before);
  });

  it("a bad signature never reaches the program: the Ed25519 precompile fails the transaction", async () => {
    const sig = signReading(forged, m.key.privateKey);
    sig[10] = sig[10]! ^ 0x40;
    const attest = Ed25519Program.createInstructionWithPublicKey({ publicKey: m.key.publicKey, message: encodeReading(forged), signature: sig });
    const before = snap();
    const r = f.chain.send([attest, await submitIx(forged)]);
    expect(r.ok).toBe(false);
    expect((r.err as { InstructionError: [number, unknown] }).InstructionError[0]).toBe(0);
    expect(r.logs.some((l) => l.includes(f.registry.programId.toBase58()))).toBe(false);
    expectUnchanged(f.chain, before);
  });
});
