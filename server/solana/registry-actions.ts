/**
 * Registry actions as transactions: what a user's wallet signs (register_user, register_meter)
 * and what the admin console executes with the operator key after its admin check
 * (set_meter_status, set_user_status). Used by the simulator, the tests and the benchmark.
 */
import { anchor } from "./anchor";
import { type Keypair, PublicKey, SystemProgram } from "@solana/web3.js";
import { meterAddress, registryAddress, userAddress } from "~/server/solana/registry-ix";
import type { ChainPrograms } from "./connection";

const { BN } = anchor;

export type ChainUserType = "prosumer" | "consumer";
export type ChainMeterType = "solar" | "wind" | "battery" | "grid";
export type ChainMeterStatus = "active" | "suspended";

const variant = <K extends string>(k: K) => ({ [k]: {} }) as Record<K, Record<string, never>>;

/** register_user, signed by the wallet; `payer` (default: the wallet) pays the rent. */
export async function registerUser(
  programs: ChainPrograms,
  params: { wallet: Keypair; userType: ChainUserType; name: string; payer?: Keypair },
): Promise<string> {
  const payer = params.payer ?? params.wallet;
  const signers = payer === params.wallet ? [params.wallet] : [params.wallet, payer];
  return programs.registry.methods
    .registerUser(variant(params.userType) as never, params.name)
    .accountsStrict({
      payer: payer.publicKey,
      wallet: params.wallet.publicKey,
      registry: registryAddress(),
      user: userAddress(params.wallet.publicKey),
      systemProgram: SystemProgram.programId,
    })
    .signers(signers)
    .rpc();
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
  const signers = payer === params.owner ? [params.owner] : [params.owner, payer];
  return programs.registry.methods
    .registerMeter(
      params.meterId,
      new PublicKey(params.meterPublicKey),
      variant(params.meterType ?? "solar") as never,
      params.zoneId ?? 1,
      new BN(params.ratedCapacityW),
    )
    .accountsStrict({
      payer: payer.publicKey,
      owner: params.owner.publicKey,
      registry: registryAddress(),
      user: userAddress(params.owner.publicKey),
      meter: meterAddress(params.meterId),
      systemProgram: SystemProgram.programId,
    })
    .signers(signers)
    .rpc();
}

/** Admin: set_meter_status with the Registry authority (the operator key). */
export async function setMeterStatusOnChain(
  programs: ChainPrograms,
  params: { authority: Keypair; meterId: string; status: ChainMeterStatus },
): Promise<string> {
  return programs.registry.methods
    .setMeterStatus(variant(params.status) as never)
    .accountsStrict({ authority: params.authority.publicKey, registry: registryAddress(), meter: meterAddress(params.meterId) })
    .signers([params.authority])
    .rpc();
}

/** Admin: set_user_status with the Registry authority. */
export async function setUserStatusOnChain(
  programs: ChainPrograms,
  params: { authority: Keypair; wallet: PublicKey; status: ChainMeterStatus },
): Promise<string> {
  return programs.registry.methods
    .setUserStatus(variant(params.status) as never)
    .accountsStrict({ authority: params.authority.publicKey, registry: registryAddress(), user: userAddress(params.wallet) })
    .signers([params.authority])
    .rpc();
}
