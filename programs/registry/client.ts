/**
 * Client for the Registry program: its PDAs, and the instruction pairs the meter gateway / mint
 * poller send (the meter's Ed25519 attestation + submit_reading, and settle_balance, which mints
 * GRID through Energy Token — whose own client is programs/energy_token/client.ts), the
 * registrations users sign in their wallet, and the admin and deploy instructions. Instructions are built with Anchor's `Program` from the IDLs. Imports nothing
 * from anchor at run time (its default export does not exist in the ESM build Next bundles) and
 * no Node modules, so the browser, the server and the tests share this one module.
 */
import type { Program } from "@coral-xyz/anchor";
import BN from "bn.js";
import { TOKEN_PROGRAM_ID } from "@solana/spl-token";
import {
  Ed25519Program,
  PublicKey,
  SYSVAR_INSTRUCTIONS_PUBKEY,
  SystemProgram,
  type TransactionInstruction,
} from "@solana/web3.js";
import { encodeReading, meterIdBytes, type MeterReading } from "../../lib/reading-encoding";
import {
  ENERGY_TOKEN_ID,
  gridAccountAddress,
  gridMintAddress,
  mintAuthorityAddress,
} from "../energy_token/client";
import { REGISTRY_PROGRAM_ID, type Registry } from "./idl/registry";

export const REGISTRY_ID = new PublicKey(REGISTRY_PROGRAM_ID);

// TextEncoder and toBytes, not Buffer: this module runs in the browser too (no Buffer global there).
const seed = (text: string) => new TextEncoder().encode(text);
const pda = (seeds: Uint8Array[], programId: PublicKey) => PublicKey.findProgramAddressSync(seeds, programId)[0];

/** Registry PDA ["registry"]: global state, and the signer of GRID mints. */
export const registryAddress = () => pda([seed("registry")], REGISTRY_ID);
/** User PDA ["user", wallet]. */
export const userAddress = (wallet: PublicKey) => pda([seed("user"), wallet.toBytes()], REGISTRY_ID);
/** Meter PDA ["meter", meter id bytes]. */
export const meterAddress = (meterId: string) => pda([seed("meter"), meterIdBytes(meterId)], REGISTRY_ID);
/** MeterKey PDA ["meter_key", device public key]: one device key registers one meter. */
export const meterKeyAddress = (meterPublicKey: Uint8Array | PublicKey) =>
  pda([seed("meter_key"), new PublicKey(meterPublicKey).toBytes()], REGISTRY_ID);
/**
 * The two instructions that record a reading, in this order: the Ed25519-program instruction
 * carrying the meter's signature over the canonical encoding, then submit_reading. Any fee payer
 * may send them; keep them adjacent (the program reads the instruction just before its own).
 */
export async function submitReadingInstructions(
  program: Program<Registry>,
  reading: MeterReading,
  signature: Uint8Array,
  meterPublicKey: Uint8Array,
): Promise<TransactionInstruction[]> {
  const attest = Ed25519Program.createInstructionWithPublicKey({
    publicKey: meterPublicKey,
    message: encodeReading(reading),
    signature,
  });
  const submit = await program.methods
    .submitReading(
      new BN(reading.productionRegisterWh.toString()),
      new BN(reading.consumptionRegisterWh.toString()),
      new BN(reading.timestamp.toString()),
    )
    .accountsStrict({
      meter: meterAddress(reading.meterId),
      instructions: SYSVAR_INSTRUCTIONS_PUBKEY,
      registry: registryAddress(),
    })
    .instruction();
  return [attest, submit];
}

/** settle_balance for a meter: mints its unsettled net generation to the owner's GRID ATA. */
export function settleBalanceInstruction(program: Program<Registry>, meterId: string, owner: PublicKey): Promise<TransactionInstruction> {
  return program.methods
    .settleBalance()
    .accountsStrict({
      meter: meterAddress(meterId),
      user: userAddress(owner),
      registry: registryAddress(),
      ownerTokenAccount: gridAccountAddress(owner),
      gridMint: gridMintAddress(),
      mintAuthority: mintAuthorityAddress(),
      tokenProgram: TOKEN_PROGRAM_ID,
      energyTokenProgram: ENERGY_TOKEN_ID,
    })
    .instruction();
}

export type ChainUserType = "prosumer" | "consumer";
export type ChainMeterType = "solar" | "wind" | "battery" | "grid";
export type ChainMeterStatus = "active" | "suspended";
/** What set_*_status takes on the wire; the program refuses "pending" (tests send it to prove so). */
type ChainStatusArg = ChainMeterStatus | "pending";
const variant = (k: string) => ({ [k]: {} }) as never;

/**
 * registry.initialize: `deployer` (the build-time DEPLOY_AUTHORITY) signs, `payer` pays, and
 * `authority` becomes the registry authority.
 */
export function registryInitializeInstruction(
  program: Program<Registry>,
  params: { payer: PublicKey; deployer: PublicKey; authority: PublicKey },
): Promise<TransactionInstruction> {
  return program.methods
    .initialize(params.authority)
    .accountsStrict({
      payer: params.payer,
      deployer: params.deployer,
      registry: registryAddress(),
      systemProgram: SystemProgram.programId,
    })
    .instruction();
}

/**
 * register_user, signed by `wallet`; `payer` (default: the wallet) pays the rent. `user`
 * defaults to the wallet's PDA (tests pass others to prove they are refused).
 */
export function registerUserInstruction(
  program: Program<Registry>,
  params: {
    wallet: PublicKey;
    userType: ChainUserType;
    name: string;
    payer?: PublicKey;
    user?: PublicKey;
  },
): Promise<TransactionInstruction> {
  return program.methods
    .registerUser(variant(params.userType), params.name)
    .accountsStrict({
      payer: params.payer ?? params.wallet,
      wallet: params.wallet,
      registry: registryAddress(),
      user: params.user ?? userAddress(params.wallet),
      systemProgram: SystemProgram.programId,
    })
    .instruction();
}

/**
 * register_meter, signed by `owner` (default payer); creates the Meter and its MeterKey index.
 * `user`, `meter` and `meterKey` default to their PDAs (tests pass others).
 */
export function registerMeterInstruction(
  program: Program<Registry>,
  params: {
    owner: PublicKey;
    meterId: string;
    meterPublicKey: Uint8Array | PublicKey;
    meterType?: ChainMeterType;
    zoneId?: number;
    ratedCapacityW: number | bigint;
    payer?: PublicKey;
    user?: PublicKey;
    meter?: PublicKey;
    meterKey?: PublicKey;
  },
): Promise<TransactionInstruction> {
  const key = new PublicKey(params.meterPublicKey);
  return program.methods
    .registerMeter(
      params.meterId,
      key,
      variant(params.meterType ?? "solar"),
      params.zoneId ?? 1,
      new BN(params.ratedCapacityW.toString()),
    )
    .accountsStrict({
      payer: params.payer ?? params.owner,
      owner: params.owner,
      registry: registryAddress(),
      user: params.user ?? userAddress(params.owner),
      meter: params.meter ?? meterAddress(params.meterId),
      meterKey: params.meterKey ?? meterKeyAddress(key),
      systemProgram: SystemProgram.programId,
    })
    .instruction();
}

/** Admin: set_meter_status, signed by the registry authority; the meter by id or by account. */
export function setMeterStatusInstruction(
  program: Program<Registry>,
  params: { authority: PublicKey; status: ChainStatusArg } & ({ meterId: string } | { meter: PublicKey }),
): Promise<TransactionInstruction> {
  const meter = "meter" in params ? params.meter : meterAddress(params.meterId);
  return program.methods
    .setMeterStatus(variant(params.status))
    .accountsStrict({ authority: params.authority, registry: registryAddress(), meter })
    .instruction();
}

/** Admin: set_user_status, signed by the registry authority. */
export function setUserStatusInstruction(
  program: Program<Registry>,
  params: { authority: PublicKey; status: ChainStatusArg } & ({ wallet: PublicKey } | { user: PublicKey }),
): Promise<TransactionInstruction> {
  const user = "user" in params ? params.user : userAddress(params.wallet);
  return program.methods
    .setUserStatus(variant(params.status))
    .accountsStrict({ authority: params.authority, registry: registryAddress(), user })
    .instruction();
}
