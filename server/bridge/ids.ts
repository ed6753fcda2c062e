/**
 * The bridge service's deterministic names: a THB transfer's deposit id, a withdrawal payout's
 * memo marker, and what counts as a wallet in a deposit memo. Deterministic on purpose: a retry,
 * a restarted service or a second service can only ever name the same deposit id (so the
 * program's Deposit PDA lets it mint once) and look for the same payout marker.
 */
import { createHash } from "node:crypto";
import bs58 from "bs58";
import { PublicKey } from "@solana/web3.js";

export const DEPOSIT_ID_DOMAIN = "GTX-THB-BRIDGE/deposit/v1\0";
export const PAYOUT_MEMO_PREFIX = "gtx-withdrawal:";

export const hexToBytes = (hex: string): Uint8Array => {
  if (!/^[0-9a-f]{64}$/.test(hex)) throw new Error(`not 32 bytes of lower-case hex: ${hex.slice(0, 80)}`);
  return new Uint8Array(Buffer.from(hex, "hex"));
};
export const bytesToHex = (b: Uint8Array): string => Buffer.from(b).toString("hex");

/**
 * deposit_id = sha256(domain ‖ u8 len(chain id) ‖ chain id ‖ transfer id (32 bytes)). The chain id
 * is per THB chain (per simulator data dir), so two chains' transfers never share an id.
 */
export function depositIdFor(thbChainId: string, thbTransferId: string): Uint8Array {
  const chain = Buffer.from(thbChainId, "utf8");
  if (chain.length > 255) throw new Error("THB chain id longer than 255 bytes");
  return new Uint8Array(
    createHash("sha256")
      .update(Buffer.from(DEPOSIT_ID_DOMAIN, "ascii"))
      .update(Buffer.from([chain.length]))
      .update(chain)
      .update(hexToBytes(thbTransferId))
      .digest(),
  );
}

/** The memo of the THB payout of a withdrawal: one per Withdrawal PDA, found again after a crash. */
export const payoutMemo = (withdrawalPda: string) => `${PAYOUT_MEMO_PREFIX}${withdrawalPda}`;

/**
 * The recipient a deposit memo names: exactly a base58 Solana wallet (32 bytes on the Ed25519
 * curve, not the zero key; surrounding spaces ignored), else null. A PDA or any other text is not
 * a wallet: nobody could sign for the THBC minted to it.
 */
export function recipientFromMemo(memo: string): PublicKey | null {
  const text = memo.trim();
  if (!/^[1-9A-HJ-NP-Za-km-z]{32,44}$/.test(text)) return null;
  let bytes: Uint8Array;
  try {
    bytes = bs58.decode(text);
  } catch {
    return null;
  }
  if (bytes.length !== 32 || bytes.every((b) => b === 0)) return null;
  const key = new PublicKey(bytes);
  if (key.toBase58() !== text || !PublicKey.isOnCurve(bytes)) return null;
  return key;
}
