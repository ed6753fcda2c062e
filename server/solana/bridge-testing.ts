/**
 * Test helpers for the THB bridge on a real local chain (server/poller/test-support.ts's
 * ChainEnv, whose bootstrap initialised the bridge with its own attestor key): attested deposits,
 * a holder's request_withdrawal, attested completions and refunds, each built with
 * programs/thb_bridge/client.ts and signed by the env's attestor key (Ed25519, @noble/curves),
 * sent as one transaction with the attestation instruction right before the bridge's.
 * Used by the indexer, router and bootstrap tests; the bridge service has its own signer.
 */
import crypto from "node:crypto";
import { ed25519 } from "@noble/curves/ed25519";
import { createAssociatedTokenAccountIdempotentInstruction } from "@solana/spl-token";
import { type Keypair, type PublicKey, Transaction } from "@solana/web3.js";
import { readKeypairFile } from "~/lib/solana/keypair-file";
import {
  attestationDigest,
  attestationInstruction,
  bridgeAddress,
  completeWithdrawalInstruction,
  depositAttestation,
  depositInstructions,
  encodeAttestation,
  refundWithdrawalInstruction,
  rejectAttestation,
  releaseAttestation,
  requestWithdrawalInstruction,
  thbcAccountAddress,
  thbcMintAddress,
  withdrawalAddress,
} from "~/programs/thb_bridge/client";
import type { ChainEnv } from "~/server/poller/test-support";
import { sendSigned } from "./registry-actions";

/** One THB in THBC base units. */
export const THB = 1_000_000n;

export const random32 = () => new Uint8Array(crypto.randomBytes(32));
export const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

export interface BridgeEnv {
  env: ChainEnv;
  attestor: Keypair;
  clusterTag: Uint8Array;
}

export async function bridgeEnv(env: ChainEnv): Promise<BridgeEnv> {
  const bridge = await env.chain.programs.thbBridge.account.bridge.fetch(bridgeAddress(), "confirmed");
  return {
    env,
    attestor: readKeypairFile(env.attestorKeypairPath, "bridge attestor"),
    clusterTag: Uint8Array.from(bridge.clusterTag),
  };
}

async function attest(b: BridgeEnv, message: Uint8Array) {
  const digest = await attestationDigest(message);
  const signature = ed25519.sign(digest, b.attestor.secretKey.slice(0, 32));
  return attestationInstruction(digest, [{ publicKey: b.attestor.publicKey.toBytes(), signature }]);
}

/**
 * An attested deposit of `amount` to `recipient` (its THBC account created in the same
 * transaction, before the attestation), paid by the operator. Returns the signature and ids.
 */
export async function sendDeposit(
  b: BridgeEnv,
  recipient: PublicKey,
  amount: bigint,
  ids: { depositId?: Uint8Array; thbTxRef?: Uint8Array } = {},
) {
  const { chain } = b.env;
  const payer = chain.operator.publicKey;
  const d = { depositId: ids.depositId ?? random32(), recipient, amount, thbTxRef: ids.thbTxRef ?? random32() };
  const digest = await attestationDigest(encodeAttestation(depositAttestation(d), b.clusterTag));
  const signature = ed25519.sign(digest, b.attestor.secretKey.slice(0, 32));
  // depositInstructions: the attestation instruction, then deposit (it must come right before).
  const ixs = await depositInstructions(chain.programs.thbBridge, {
    ...d,
    payer,
    clusterTag: b.clusterTag,
    signatures: [{ publicKey: b.attestor.publicKey.toBytes(), signature }],
  });
  const tx = new Transaction().add(
    createAssociatedTokenAccountIdempotentInstruction(payer, thbcAccountAddress(recipient), recipient, thbcMintAddress()),
    ...ixs,
  );
  return { signature: await sendSigned(chain.programs, tx, []), ...d };
}

/** request_withdrawal signed by the holder (the operator pays the fee); the next id from the Bridge. */
export async function sendWithdrawalRequest(
  b: BridgeEnv,
  holder: Keypair,
  amount: bigint,
  thbDestination: Uint8Array = random32(),
) {
  const { programs } = b.env.chain;
  const bridge = await programs.thbBridge.account.bridge.fetch(bridgeAddress(), "confirmed");
  const withdrawalId = BigInt(bridge.withdrawalCount.toString());
  const ix = await requestWithdrawalInstruction(programs.thbBridge, {
    holder: holder.publicKey,
    withdrawalId,
    amount,
    thbDestination,
  });
  const signature = await sendSigned(programs, ix, [holder]);
  return { signature, withdrawal: withdrawalAddress(withdrawalId), withdrawalId, thbDestination };
}

/** complete_withdrawal with the attestor's release proof naming the THB payout `thbTxRef`. */
export async function sendWithdrawalCompletion(
  b: BridgeEnv,
  w: { withdrawal: PublicKey; holder: PublicKey; amount: bigint },
  thbTxRef: Uint8Array = random32(),
) {
  const { programs } = b.env.chain;
  const tx = new Transaction().add(
    await attest(b, encodeAttestation(releaseAttestation(w.withdrawal, w.holder, w.amount, thbTxRef), b.clusterTag)),
    await completeWithdrawalInstruction(programs.thbBridge, { withdrawal: w.withdrawal, thbTxRef }),
  );
  return { signature: await sendSigned(programs, tx, []), thbTxRef };
}

/** refund_withdrawal with the attestor's rejection proof (the attested path). */
export async function sendWithdrawalRefund(
  b: BridgeEnv,
  w: { withdrawal: PublicKey; holder: PublicKey; amount: bigint },
) {
  const { programs } = b.env.chain;
  const tx = new Transaction().add(
    await attest(b, encodeAttestation(rejectAttestation(w.withdrawal, w.holder, w.amount), b.clusterTag)),
    await refundWithdrawalInstruction(programs.thbBridge, { withdrawal: w.withdrawal, holder: w.holder }),
  );
  return { signature: await sendSigned(programs, tx, []) };
}
