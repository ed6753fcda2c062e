/**
 * Where sign-in learns the cluster's genesis hash: SOLANA_GENESIS_HASH when set, else asked once
 * from SOLANA_RPC_URL (`getGenesisHash`) and cached for the process. A failed lookup is not
 * cached, so sign-in recovers as soon as the node answers. Tests inject a fixed source.
 */
import { isBase58OfLength } from "~/lib/siws";
import { AppError } from "~/server/errors";
import { solanaRpc } from "./solana-rpc";

export type GenesisHashSource = () => Promise<string>;

export function fixedGenesisHash(hash: string): GenesisHashSource {
  if (!isBase58OfLength(hash, 32)) throw new Error(`not a base58 32-byte genesis hash: ${hash}`);
  return () => Promise.resolve(hash);
}

export function rpcGenesisHash(rpcUrl: string): GenesisHashSource {
  let cached: Promise<string> | undefined;
  return () => {
    cached ??= solanaRpc<string>(rpcUrl, "getGenesisHash")
      .then((hash) => {
        if (typeof hash !== "string" || !isBase58OfLength(hash, 32)) {
          throw new AppError("CHAIN_UNAVAILABLE", "Solana RPC returned a malformed genesis hash");
        }
        return hash;
      })
      .catch((err: unknown) => {
        cached = undefined;
        throw err;
      });
    return cached;
  };
}
