/**
 * Certificate volume under random sequences (fast-check, shrinking on), on LiteSVM with the real
 * governance.so and registry.so: issue / transfer (partial, whole, too much, zero) / retire /
 * validate / revoke / a new reading, across three meters of two owners and a third wallet, signed
 * by the right wallet or a wrong one. A model of the program's checks predicts each step's outcome
 * (success or the exact error name); after every step:
 *   - Σ volume_wh of all certificates = Σ the meters' claimed_erc_gen;
 *   - every certificate: retired_wh + locked_wh ≤ volume_wh; retired_wh never decreases;
 *   - every meter: claimed_erc_gen ≤ total_production;
 *   - Σ retired_wh = Σ the retirement records' volume_wh;
 *   - a refused step changed nothing (every meter, certificate and the address it would create).
 * CU is not asserted here (certificates.test.ts pins it).
 */
import type { Idl } from "@coral-xyz/anchor";
import type { Keypair, PublicKey, TransactionInstruction } from "@solana/web3.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { expectAnchorError, expectOk, expectUnchanged, type TxResult } from "~/programs/harness";
import type { TestMeter } from "../registry/fixture";
import { registryIdl } from "../registry/idl/registry";
import { GovernanceFixture } from "./fixture";
import { governanceIdl } from "./idl/governance";

/** How much a transfer or retirement asks for, relative to the certificate's free volume. */
const amountArb = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.integer({ min: 1, max: 99 }).map((pct) => ({ kind: "part" as const, pct })),
  },
  { weight: 2, arbitrary: fc.constant({ kind: "whole" as const }) },
  {
    weight: 2,
    arbitrary: fc.integer({ min: 1, max: 1_000 }).map((over) => ({ kind: "over" as const, over })),
  },
  { weight: 1, arbitrary: fc.constant({ kind: "zero" as const }) },
);
type Amount = typeof amountArb extends fc.Arbitrary<infer A> ? A : never;

/** Indices are taken modulo what exists when the step runs (meters, wallets, certificates). */
const stepArb = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      op: fc.constant("issue" as const),
      meter: fc.nat(),
      signer: fc.nat(),
      volume: fc.integer({ min: 0, max: 4_000 }),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      op: fc.constant("transfer" as const),
      cert: fc.nat(),
      signer: fc.nat(),
      to: fc.nat(),
      amount: amountArb,
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant("retire" as const),
      cert: fc.nat(),
      signer: fc.nat(),
      amount: amountArb,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant("validate" as const),
      cert: fc.nat(),
      byAuthority: fc.boolean(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant("revoke" as const),
      cert: fc.nat(),
      byAuthority: fc.boolean(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant("produce" as const),
      meter: fc.nat(),
      wh: fc.integer({ min: 1, max: 2_000 }),
    }),
  },
);

/** What the step should do: succeed, or fail with this error of this IDL. */
type Expect = { ok: true } | { ok: false; name: string; idl: Idl };
const OK: Expect = { ok: true };
const gov = (name: string): Expect => ({ ok: false, name, idl: governanceIdl });
const reg = (name: string): Expect => ({ ok: false, name, idl: registryIdl });

function amountOf(a: Amount, free: bigint): bigint {
  switch (a.kind) {
    case "part":
      return (free * BigInt(a.pct)) / 100n;
    case "whole":
      return free;
    case "over":
      return free + BigInt(a.over);
    case "zero":
      return 0n;
  }
}

describe("certificate volume (fast-check)", () => {
  it("Σ certificate volume = Σ claimed_erc_gen; retired + locked ≤ volume; retired never decreases; a refusal changes nothing", async () => {
    const seen = { ok: 0, refused: 0 };
    await fc.assert(
      fc.asyncProperty(fc.array(stepArb, { minLength: 1, maxLength: 14 }), async (steps) => {
        const f = await GovernanceFixture.create();
        const alice = await f.grid.user();
        const bob = await f.grid.user();
        const carol = f.chain.newKeypair(); // no meter: only ever a recipient or an intruder
        const wallets: Keypair[] = [alice, bob, carol];
        const meters: TestMeter[] = [
          await f.meterWithProduction(5_000n, alice),
          await f.meterWithProduction(3_000n, alice),
          await f.meterWithProduction(4_000n, bob),
        ];
        const certs: PublicKey[] = [];
        const retirements: PublicKey[] = [];
        const nextId = meters.map(() => 1n);
        const retiredBefore = new Map<string, bigint>();
        const stranger = f.chain.newKeypair();

        const check = () => {
          let volume = 0n;
          for (const c of certs) {
            const s = f.certificate(c)!;
            expect(s.retiredWh + s.lockedWh).toBeLessThanOrEqual(s.volumeWh);
            expect(s.retiredWh).toBeGreaterThanOrEqual(retiredBefore.get(c.toBase58()) ?? 0n);
            retiredBefore.set(c.toBase58(), s.retiredWh);
            volume += s.volumeWh;
          }
          let claimed = 0n;
          for (const m of meters) {
            const s = f.grid.meterState(m.meter);
            expect(s.claimedErcGen).toBeLessThanOrEqual(s.totalProduction);
            claimed += s.claimedErcGen;
          }
          expect(volume).toBe(claimed);
          const retired = certs.reduce((sum, c) => sum + f.certificate(c)!.retiredWh, 0n);
          const recorded = retirements.reduce(
            (sum, r) => sum + BigInt(String(f.retirement(r)!.volumeWh)),
            0n,
          );
          expect(retired).toBe(recorded);
        };

        /** Sends; on success runs `done`; on refusal expects the named error and nothing changed. */
        const run = (
          ix: TransactionInstruction,
          signers: Keypair[],
          want: Expect,
          creates: PublicKey | null,
          done: () => void = () => undefined,
        ) => {
          const watch = [...meters.map((m) => m.meter), ...certs, ...(creates ? [creates] : [])];
          const before = f.chain.snapshot(watch);
          const r: TxResult = f.chain.send(ix, signers);
          if (want.ok) {
            expectOk(r);
            done();
            seen.ok++;
          } else {
            expectAnchorError(r, want.name, want.idl);
            expectUnchanged(f.chain, before);
            seen.refused++;
          }
        };

        for (const step of steps) {
          switch (step.op) {
            case "issue": {
              const i = step.meter % meters.length;
              const m = meters[i]!;
              const signer = wallets[step.signer % wallets.length]!;
              const volume = BigInt(step.volume);
              const s = f.grid.meterState(m.meter);
              const want =
                volume === 0n
                  ? gov("ZeroVolume")
                  : !signer.publicKey.equals(m.owner.publicKey)
                    ? reg("NotMeterOwner")
                    : s.claimedErcGen + volume > s.totalProduction
                      ? reg("ExceedsUncertifiedGeneration")
                      : OK;
              const id = nextId[i]!;
              const cert = f.certificateOf(m, id);
              const ix = await f.issueIx(m, id, volume, {
                payer: signer.publicKey,
                owner: signer.publicKey,
              });
              run(ix, [signer], want, cert, () => {
                certs.push(cert);
                nextId[i] = id + 1n;
              });
              break;
            }
            case "produce": {
              await f.produce(meters[step.meter % meters.length]!, BigInt(step.wh));
              break;
            }
            case "transfer":
            case "retire": {
              if (certs.length === 0) break;
              const cert = certs[step.cert % certs.length]!;
              const c = f.certificate(cert)!;
              const signer = wallets[step.signer % wallets.length]!;
              const free = c.volumeWh - c.retiredWh - c.lockedWh;
              const volume = amountOf(step.amount, free);
              const want = !c.owner.equals(signer.publicKey)
                ? gov("NotCertificateOwner")
                : c.status === "revoked"
                  ? gov("CertificateIsRevoked")
                  : volume === 0n
                    ? gov("ZeroVolume")
                    : volume > free
                      ? gov("InsufficientFreeVolume")
                      : OK;
              if (step.op === "transfer") {
                const child = f.childOf(cert, c.children);
                const to = wallets[step.to % wallets.length]!.publicKey;
                run(await f.transferIx(signer, cert, to, volume), [signer], want, child, () => {
                  certs.push(child);
                  const k = f.certificate(child)!;
                  expect([k.volumeWh, k.status, k.owner.toBase58()]).toEqual([
                    volume,
                    c.status,
                    to.toBase58(),
                  ]);
                  expect(f.certificate(cert)!.volumeWh).toBe(c.volumeWh - volume);
                });
              } else {
                const rec = f.retirementOf(cert, c.retirements);
                run(await f.retireIx(signer, cert, volume), [signer], want, rec, () => {
                  retirements.push(rec);
                  expect(f.certificate(cert)!.retiredWh).toBe(c.retiredWh + volume);
                });
              }
              break;
            }
            case "validate":
            case "revoke": {
              if (certs.length === 0) break;
              const cert = certs[step.cert % certs.length]!;
              const c = f.certificate(cert)!;
              const signer = step.byAuthority ? f.authority : stranger;
              let want: Expect;
              if (!step.byAuthority) want = gov("Unauthorized");
              else if (step.op === "validate")
                want =
                  c.status === "revoked"
                    ? gov("CertificateIsRevoked")
                    : c.status !== "issued"
                      ? gov("NotIssued")
                      : OK;
              else
                want =
                  c.status === "revoked"
                    ? gov("AlreadyRevoked")
                    : c.volumeWh - c.retiredWh === 0n
                      ? gov("NothingToRevoke")
                      : OK;
              const ix =
                step.op === "validate"
                  ? await f.validateIx(cert, signer.publicKey)
                  : await f.revokeIx(cert, 1, signer.publicKey);
              run(ix, [signer], want, null, () => {
                expect(f.certificate(cert)!.status).toBe(
                  step.op === "validate" ? "validated" : "revoked",
                );
              });
              break;
            }
          }
          check();
        }
      }),
      { numRuns: 10 },
    );
    // the sequences did both: steps that went through and steps that were refused
    expect(seen.ok).toBeGreaterThan(0);
    expect(seen.refused).toBeGreaterThan(0);
  }, 120_000);
});
