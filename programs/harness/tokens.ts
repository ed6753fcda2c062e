/**
 * SPL Token helpers for program tests: mints, associated token accounts, minting and balances,
 * through the real Token / Token-2022 / ATA programs LiteSVM ships.
 */
import {
  AccountLayout,
  createAssociatedTokenAccountIdempotentInstruction,
  createInitializeMint2Instruction,
  createMintToInstruction,
  getAssociatedTokenAddressSync,
  MINT_SIZE,
  MintLayout,
  TOKEN_PROGRAM_ID,
} from "@solana/spl-token";
import { Keypair, SystemProgram, type PublicKey } from "@solana/web3.js";
import type { TestChain } from "./chain";
import { expectOk } from "./assert";

export interface MintOptions {
  authority: PublicKey;
  decimals: number;
  freezeAuthority?: PublicKey | null;
  tokenProgram?: PublicKey;
  /** Use this keypair's address for the mint (default: a fresh one). */
  mint?: Keypair;
}

export function createMint(chain: TestChain, opts: MintOptions): PublicKey {
  const mint = opts.mint ?? Keypair.generate();
  const programId = opts.tokenProgram ?? TOKEN_PROGRAM_ID;
  expectOk(
    chain.send(
      [
        SystemProgram.createAccount({
          fromPubkey: chain.payer.publicKey,
          newAccountPubkey: mint.publicKey,
          lamports: Number(chain.minimumBalance(MINT_SIZE)),
          space: MINT_SIZE,
          programId,
        }),
        createInitializeMint2Instruction(
          mint.publicKey,
          opts.decimals,
          opts.authority,
          opts.freezeAuthority ?? null,
          programId,
        ),
      ],
      [mint],
    ),
  );
  return mint.publicKey;
}

/** The owner's associated token account for `mint`, created if missing. */
export function createAta(
  chain: TestChain,
  owner: PublicKey,
  mint: PublicKey,
  tokenProgram = TOKEN_PROGRAM_ID,
): PublicKey {
  const ata = getAssociatedTokenAddressSync(mint, owner, true, tokenProgram);
  expectOk(
    chain.send(
      createAssociatedTokenAccountIdempotentInstruction(
        chain.payer.publicKey,
        ata,
        owner,
        mint,
        tokenProgram,
      ),
    ),
  );
  return ata;
}

export function mintTo(
  chain: TestChain,
  mint: PublicKey,
  destination: PublicKey,
  authority: Keypair,
  amount: bigint | number,
  tokenProgram = TOKEN_PROGRAM_ID,
): void {
  expectOk(
    chain.send(
      createMintToInstruction(
        mint,
        destination,
        authority.publicKey,
        BigInt(amount),
        [],
        tokenProgram,
      ),
      [authority],
    ),
  );
}

/** Token amount held by a token account (0 if it does not exist). */
export function tokenBalance(chain: TestChain, tokenAccount: PublicKey): bigint {
  const a = chain.getAccount(tokenAccount);
  if (!a) return 0n;
  return AccountLayout.decode(a.data.subarray(0, AccountLayout.span)).amount;
}

export function mintSupply(chain: TestChain, mint: PublicKey): bigint {
  const a = chain.getAccount(mint);
  if (!a) throw new Error(`mint ${mint.toBase58()} does not exist`);
  return MintLayout.decode(a.data.subarray(0, MintLayout.span)).supply;
}
