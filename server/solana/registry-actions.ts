/**
 * Registry actions as transactions: what a user's wallet signs (register_user, register_meter)
 * and what the admin console executes with the operator key after its admin check
 * (set_meter_status, set_user_status). Used by the simulator, the tests and the benchmark.
 */
import {
  type Keypair,
  type PublicKey,
  Transaction,
  type TransactionInstruction,
} from "@solana/web3.js";
import {
  type ChainMeterStatus,
  type ChainMeterType,
  type ChainUserType,
  registerMeterInstruction,
  registerUserInstruction,
  setMeterStatusInstruction,
  setUserStatusInstruction,
} from "~/programs/registry/client";
import type { ChainPrograms } from "./connection";

export type { ChainMeterStatus, ChainMeterType, ChainUserType };

/** Sends like Anchor's `.rpc()`: the provider's wallet pays the fee, `signers` co-sign. */
export async function sendSigned(
  programs: ChainPrograms,
  tx: Transaction | TransactionInstruction,
  signers: Keypair[],
): Promise<string> {
  const provider = programs.registry.provider;
  if (!provider.sendAndConfirm) throw new Error("the registry program has no sending provider");
  const transaction = tx instanceof Transaction ? tx : new Transaction().add(tx);
  return provider.sendAndConfirm(transaction, signers, { commitment: "confirmed" });
}

/** register_user, signed by the wallet; `payer` (default: the wallet) pays the rent. */
export async function registerUser(
  programs: ChainPrograms,
  params: { wallet: Keypair; userType: ChainUserType; name: string; payer?: Keypair },
): Promise<string> {
  const payer = params.payer ?? params.wallet;
  const ix = await registerUserInstruction(programs.registry, {
    wallet: params.wallet.publicKey,
    userType: params.userType,
    name: params.name,
    payer: payer.publicKey,
  });
  return sendSigned(
    programs,
    ix,
    payer === params.wallet ? [params.wallet] : [params.wallet, payer],
  );
}

/** register_meter, signed by the owner; the meter starts Pending until the admin activates it. */
export async function registerMeter(
  programs: ChainPrograms,
  params: {
    owner: Keypair;
    meterId: string;
    meterPublicKey: Uint8Array;
    meterType?: ChainMeterType;
    zoneId?: number;
    ratedCapacityW: number;
    payer?: Keypair;
  },
): Promise<string> {
  const payer = params.payer ?? params.owner;
  const ix = await registerMeterInstruction(programs.registry, {
    owner: params.owner.publicKey,
    meterId: params.meterId,
    meterPublicKey: params.meterPublicKey,
    meterType: params.meterType,
    zoneId: params.zoneId,
    ratedCapacityW: params.ratedCapacityW,
    payer: payer.publicKey,
  });
  return sendSigned(programs, ix, payer === params.owner ? [params.owner] : [params.owner, payer]);
}

/** Admin: set_meter_status with the Registry authority (the operator key). */
export async function setMeterStatusOnChain(
  programs: ChainPrograms,
  params: { authority: Keypair; meterId: string; status: ChainMeterStatus },
): Promise<string> {
  const ix = await setMeterStatusInstruction(programs.registry, {
    authority: params.authority.publicKey,
    meterId: params.meterId,
    status: params.status,
  });
  return sendSigned(programs, ix, [params.authority]);
}

/** Admin: set_user_status with the Registry authority. */
export async function setUserStatusOnChain(
  programs: ChainPrograms,
  params: { authority: Keypair; wallet: PublicKey; status: ChainMeterStatus },
): Promise<string> {
  const ix = await setUserStatusInstruction(programs.registry, {
    authority: params.authority.publicKey,
    wallet: params.wallet,
    status: params.status,
  });
  return sendSigned(programs, ix, [params.authority]);
}
