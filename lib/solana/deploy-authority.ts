/**
 * The deploy authority: the key fixed at build time (the IDL constant DEPLOY_AUTHORITY of
 * registry, energy_token and oracle) that alone may call their `initialize`, so nobody can
 * front-run a fresh deployment. The committed development key (programs/keys/) is public, like
 * the program keys next to it: a real deployment builds the programs with its own
 * DEPLOY_AUTHORITY and points DEPLOY_AUTHORITY_KEYPAIR_PATH at that key (programs/README.md, "Deploy to a real cluster").
 */
import fs from "node:fs";
import path from "node:path";
import { type Keypair, PublicKey } from "@solana/web3.js";
import { idlPubkey } from "~/lib/idl-constants";
import { registryIdl } from "~/programs/registry/idl/registry";
import { readKeypairFile } from "./keypair-file";

export const DEFAULT_DEPLOY_AUTHORITY_KEYPAIR_PATH = "programs/keys/deploy-authority-keypair.json";

/** DEPLOY_AUTHORITY as the programs were built with it. */
export function deployAuthority(): PublicKey {
  return new PublicKey(idlPubkey(registryIdl, "DEPLOY_AUTHORITY"));
}

/** The deploy authority's keypair; refuses a key that is not the programs' DEPLOY_AUTHORITY. */
export function loadDeployAuthority(
  filePath: string = process.env.DEPLOY_AUTHORITY_KEYPAIR_PATH ?? DEFAULT_DEPLOY_AUTHORITY_KEYPAIR_PATH,
): Keypair {
  const file = path.resolve(filePath);
  if (!fs.existsSync(file)) throw new Error(`deploy authority keypair ${file} does not exist (set DEPLOY_AUTHORITY_KEYPAIR_PATH)`);
  const kp = readKeypairFile(file, "deploy authority");
  const expected = deployAuthority();
  if (!kp.publicKey.equals(expected))
    throw new Error(`deploy authority keypair ${file} is ${kp.publicKey.toBase58()}, but the programs were built for ${expected.toBase58()}`);
  return kp;
}
