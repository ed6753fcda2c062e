/**
 * The Registry program in the browser: built over our own Connection and the user's wallet
 * (wallet-adapter's AnchorWallet). The transactions it builds are signed by the wallet only.
 */
import { AnchorProvider, BN, Program } from "@coral-xyz/anchor";
import type { AnchorWallet } from "@solana/wallet-adapter-react";
import { type PublicKey, SystemProgram, Transaction, type Connection } from "@solana/web3.js";
import { meterPda as meterAddress, registryPda as registryAddress, userPda as userAddress } from "./pdas";
import { registryIdl, type Registry } from "~/programs/registry/idl/registry";

export type ChainMeterType = "solar" | "wind" | "battery" | "grid";

export function registryProgram(connection: Connection, wallet: AnchorWallet): Program<Registry> {
  const provider = new AnchorProvider(connection, wallet, { commitment: "confirmed", preflightCommitment: "confirmed" });
  return new Program<Registry>(registryIdl, provider);
}

const variant = (k: string) => ({ [k]: {} }) as never;

/**
 * One transaction, one signature: register_user (only when the wallet is not registered yet)
 * followed by register_meter, both signed and paid by the wallet.
 */
export async function buildRegistrationTx(
  program: Program<Registry>,
  params: {
    wallet: PublicKey;
    registerUser: { userType: "prosumer" | "consumer"; name: string } | null;
    meterId: string;
    meterPublicKey: PublicKey;
    meterType: ChainMeterType;
    zoneId: number;
    ratedCapacityW: number;
  },
): Promise<Transaction> {
  const tx = new Transaction();
  if (params.registerUser) {
    tx.add(
      await program.methods
        .registerUser(variant(params.registerUser.userType), params.registerUser.name)
        .accountsStrict({
          payer: params.wallet,
          wallet: params.wallet,
          registry: registryAddress(),
          user: userAddress(params.wallet),
          systemProgram: SystemProgram.programId,
        })
        .instruction(),
    );
  }
  tx.add(
    await program.methods
      .registerMeter(params.meterId, params.meterPublicKey, variant(params.meterType), params.zoneId, new BN(params.ratedCapacityW))
      .accountsStrict({
        payer: params.wallet,
        owner: params.wallet,
        registry: registryAddress(),
        user: userAddress(params.wallet),
        meter: meterAddress(params.meterId),
        systemProgram: SystemProgram.programId,
      })
      .instruction(),
  );
  return tx;
}
