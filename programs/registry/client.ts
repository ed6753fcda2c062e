/**
 * Client helpers for the Registry and Energy Token programs: their PDAs, and the instruction
 * pairs the meter gateway / mint poller send (the meter's Ed25519 attestation + submit_reading,
 * and settle_balance). Instructions are built with Anchor's `Program` from the IDLs. Imports
 * nothing from anchor at run time (its default export does not exist in the ESM build Next
 * bundles), so app, server and tests share this one module.
 */
import type { Program } from "@coral-xyz/anchor";
import BN from "bn.js";
import { ASSOCIATED_TOKEN_PROGRAM_ID, TOKEN_PROGRAM_ID, getAssociatedTokenAddressSync } from "@solana/spl-token";
import { Ed25519Program, PublicKey, SYSVAR_INSTRUCTIONS_PUBKEY, type TransactionInstruction } from "@solana/web3.js";
import { encodeReading, meterIdBytes, type MeterReading } from "../../lib/meter-reading";
import { ENERGY_TOKEN_PROGRAM_ID } from "../energy_token/idl/energy_token";
import { REGISTRY_PROGRAM_ID, type Registry } from "./idl/registry";


export const REGISTRY_ID = new PublicKey(REGISTRY_PROGRAM_ID);
export const ENERGY_TOKEN_ID = new PublicKey(ENERGY_TOKEN_PROGRAM_ID);

const pda = (seeds: (Uint8Array | Buffer)[], programId: PublicKey) => PublicKey.findProgramAddressSync(seeds, programId)[0];

/** Registry PDA ["registry"]: global state, and the signer of GRID mints. */
export const registryAddress = () => pda([Buffer.from("registry")], REGISTRY_ID);
/** User PDA ["user", wallet]. */
export const userAddress = (wallet: PublicKey) => pda([Buffer.from("user"), wallet.toBuffer()], REGISTRY_ID);
/** Meter PDA ["meter", meter id bytes]. */
export const meterAddress = (meterId: string) => pda([Buffer.from("meter"), meterIdBytes(meterId)], REGISTRY_ID);
/** Energy Token's TokenConfig PDA ["token_config"]. */
export const tokenConfigAddress = () => pda([Buffer.from("token_config")], ENERGY_TOKEN_ID);
/** The GRID mint, PDA ["grid_mint"] of Energy Token (3 decimals: 1 base unit = 1 Wh). */
export const gridMintAddress = () => pda([Buffer.from("grid_mint")], ENERGY_TOKEN_ID);
/** GRID's mint authority, PDA ["mint_authority"] of Energy Token. */
export const mintAuthorityAddress = () => pda([Buffer.from("mint_authority")], ENERGY_TOKEN_ID);
/** The owner's GRID associated token account: where settle_balance mints. */
export const gridAccountAddress = (owner: PublicKey) =>
  getAssociatedTokenAddressSync(gridMintAddress(), owner, true, TOKEN_PROGRAM_ID, ASSOCIATED_TOKEN_PROGRAM_ID);

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
    .submitReading(new BN(reading.productionWh.toString()), new BN(reading.consumptionWh.toString()), new BN(reading.timestamp.toString()))
    .accountsStrict({ meter: meterAddress(reading.meterId), instructions: SYSVAR_INSTRUCTIONS_PUBKEY })
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
