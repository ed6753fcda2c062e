/**
 * Registry / Energy Token addresses for the browser (no Node modules): the same seeds as
 * programs/registry/README.md — ["registry"], ["user", wallet], ["meter", meter id bytes],
 * ["grid_mint"] — and the owner's GRID associated token account.
 */
import { getAssociatedTokenAddressSync } from "@solana/spl-token";
import { PublicKey } from "@solana/web3.js";
import { ENERGY_TOKEN_PROGRAM_ID } from "~/programs/energy_token/idl/energy_token";
import { REGISTRY_PROGRAM_ID } from "~/programs/registry/idl/registry";

const REGISTRY = new PublicKey(REGISTRY_PROGRAM_ID);
const ENERGY_TOKEN = new PublicKey(ENERGY_TOKEN_PROGRAM_ID);
const enc = new TextEncoder();
const pda = (seeds: Uint8Array[], program: PublicKey) => PublicKey.findProgramAddressSync(seeds, program)[0];

export const registryPda = () => pda([enc.encode("registry")], REGISTRY);
export const userPda = (wallet: PublicKey) => pda([enc.encode("user"), wallet.toBytes()], REGISTRY);
export const meterPda = (meterId: string) => pda([enc.encode("meter"), enc.encode(meterId)], REGISTRY);
export const gridMintPda = () => pda([enc.encode("grid_mint")], ENERGY_TOKEN);
export const gridTokenAccount = (owner: PublicKey) => getAssociatedTokenAddressSync(gridMintPda(), owner, true);
