/**
 * Client for the Energy Token program: the GRID mint's PDAs, the owner's GRID account, and its
 * instructions (initialize at deploy; burn by a holder; mint_from_production, which only the
 * Registry's PDA-signed CPI may call — built here for the tests that prove exactly that).
 * Browser-safe (no Node modules; `Program` is a type import only).
 */
import type { Program } from "@coral-xyz/anchor";
import BN from "bn.js";
import {
  ASSOCIATED_TOKEN_PROGRAM_ID,
  TOKEN_PROGRAM_ID,
  getAssociatedTokenAddressSync,
} from "@solana/spl-token";
import { PublicKey, SystemProgram, type TransactionInstruction } from "@solana/web3.js";
import { ENERGY_TOKEN_PROGRAM_ID, type EnergyToken } from "./idl/energy_token";

export const ENERGY_TOKEN_ID = new PublicKey(ENERGY_TOKEN_PROGRAM_ID);

const pda = (seed: string) =>
  PublicKey.findProgramAddressSync([new TextEncoder().encode(seed)], ENERGY_TOKEN_ID)[0];

/** TokenConfig PDA ["token_config"]. */
export const tokenConfigAddress = () => pda("token_config");
/** The GRID mint, PDA ["grid_mint"] (3 decimals: 1 base unit = 1 Wh). */
export const gridMintAddress = () => pda("grid_mint");
/** GRID's mint authority, PDA ["mint_authority"]. */
export const mintAuthorityAddress = () => pda("mint_authority");
/** The owner's GRID associated token account: where settle_balance mints. */
export const gridAccountAddress = (owner: PublicKey) =>
  getAssociatedTokenAddressSync(
    gridMintAddress(),
    owner,
    true,
    TOKEN_PROGRAM_ID,
    ASSOCIATED_TOKEN_PROGRAM_ID,
  );

/** energy_token.initialize: the GRID mint and TokenConfig; `deployer` signs, `payer` pays. */
export function energyTokenInitializeInstruction(
  program: Program<EnergyToken>,
  params: { payer: PublicKey; deployer: PublicKey },
): Promise<TransactionInstruction> {
  return program.methods
    .initialize()
    .accountsStrict({
      payer: params.payer,
      deployer: params.deployer,
      config: tokenConfigAddress(),
      gridMint: gridMintAddress(),
      tokenProgram: TOKEN_PROGRAM_ID,
      systemProgram: SystemProgram.programId,
    })
    .instruction();
}

/** burn: the holder destroys `amount` Wh of its own GRID. */
export function burnInstruction(
  program: Program<EnergyToken>,
  params: { holder: PublicKey; amount: bigint; tokenAccount?: PublicKey; gridMint?: PublicKey },
): Promise<TransactionInstruction> {
  return program.methods
    .burn(new BN(params.amount.toString()))
    .accountsStrict({
      holder: params.holder,
      tokenAccount: params.tokenAccount ?? gridAccountAddress(params.holder),
      gridMint: params.gridMint ?? gridMintAddress(),
      tokenProgram: TOKEN_PROGRAM_ID,
    })
    .instruction();
}

/**
 * mint_from_production as a top-level instruction. The program accepts it only inside the
 * Registry's settle_balance (signed by the Registry PDA); sent directly it is refused.
 */
export function mintFromProductionInstruction(
  program: Program<EnergyToken>,
  params: { registryAuthority: PublicKey; destination: PublicKey; amount: bigint },
): Promise<TransactionInstruction> {
  return program.methods
    .mintFromProduction(new BN(params.amount.toString()))
    .accountsStrict({
      registryAuthority: params.registryAuthority,
      gridMint: gridMintAddress(),
      destination: params.destination,
      mintAuthority: mintAuthorityAddress(),
      tokenProgram: TOKEN_PROGRAM_ID,
    })
    .instruction();
}
