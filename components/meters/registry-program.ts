/**
 * The Registry program in the browser: built over our own Connection and the user's wallet
 * (wallet-adapter's AnchorWallet). The transactions it builds are signed by the wallet only.
 */
import { AnchorProvider, Program } from "@coral-xyz/anchor";
import type { AnchorWallet } from "@solana/wallet-adapter-react";
import { type PublicKey, Transaction, type Connection } from "@solana/web3.js";
import { type ChainMeterType, registerMeterInstruction, registerUserInstruction } from "~/programs/registry/client";
import { registryIdl, type Registry } from "~/programs/registry/idl/registry";

export type { ChainMeterType };

export function registryProgram(connection: Connection, wallet: AnchorWallet): Program<Registry> {
  const provider = new AnchorProvider(connection, wallet, { commitment: "confirmed", preflightCommitment: "confirmed" });
  return new Program<Registry>(registryIdl, provider);
}

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
      await registerUserInstruction(program, {
        wallet: params.wallet,
        userType: params.registerUser.userType,
        name: params.registerUser.name,
      }),
    );
  }
  tx.add(
    await registerMeterInstruction(program, {
      owner: params.wallet,
      meterId: params.meterId,
      meterPublicKey: params.meterPublicKey,
      meterType: params.meterType,
      zoneId: params.zoneId,
      ratedCapacityW: params.ratedCapacityW,
    }),
  );
  return tx;
}
