/**
 * Ed25519-program (precompile) instructions for tests, including deliberately malformed ones:
 * any number of signatures, and per-signature offset overrides (to point an offset at another
 * instruction, or anywhere else), so programs can be tested against forged attestations.
 *
 * Data layout (agave's ed25519 precompile): u8 count, u8 padding, count x 14-byte offsets
 * {u16 signature_offset, u16 signature_instruction_index, u16 public_key_offset,
 *  u16 public_key_instruction_index, u16 message_data_offset, u16 message_data_size,
 *  u16 message_instruction_index}, then the bytes. Instruction index 0xffff = this instruction.
 */
import { Ed25519Program, TransactionInstruction } from "@solana/web3.js";

export const ED25519_SELF = 0xffff;

export interface Ed25519Entry {
  publicKey: Uint8Array;
  signature: Uint8Array;
  message: Uint8Array;
}

export interface Ed25519Offsets {
  signatureOffset: number;
  signatureInstructionIndex: number;
  publicKeyOffset: number;
  publicKeyInstructionIndex: number;
  messageDataOffset: number;
  messageDataSize: number;
  messageInstructionIndex: number;
}

/** Instruction data with the entries' bytes after the offsets table (key, signature, message
 * per entry); `override(i, offsets)` may change entry i's offsets. Also returns the offsets. */
export function ed25519Data(
  entries: readonly Ed25519Entry[],
  override?: (i: number, o: Ed25519Offsets) => Partial<Ed25519Offsets>,
): { data: Buffer; offsets: Ed25519Offsets[] } {
  const header = 2 + 14 * entries.length;
  const size = entries.reduce(
    (n, e) => n + e.publicKey.length + e.signature.length + e.message.length,
    header,
  );
  const data = Buffer.alloc(size);
  data[0] = entries.length;
  let at = header;
  const offsets = entries.map((e, i) => {
    const o: Ed25519Offsets = {
      publicKeyOffset: at,
      publicKeyInstructionIndex: ED25519_SELF,
      signatureOffset: at + e.publicKey.length,
      signatureInstructionIndex: ED25519_SELF,
      messageDataOffset: at + e.publicKey.length + e.signature.length,
      messageDataSize: e.message.length,
      messageInstructionIndex: ED25519_SELF,
    };
    data.set(e.publicKey, o.publicKeyOffset);
    data.set(e.signature, o.signatureOffset);
    data.set(e.message, o.messageDataOffset);
    at = o.messageDataOffset + e.message.length;
    const final = { ...o, ...override?.(i, o) };
    const t = 2 + 14 * i;
    data.writeUInt16LE(final.signatureOffset, t);
    data.writeUInt16LE(final.signatureInstructionIndex, t + 2);
    data.writeUInt16LE(final.publicKeyOffset, t + 4);
    data.writeUInt16LE(final.publicKeyInstructionIndex, t + 6);
    data.writeUInt16LE(final.messageDataOffset, t + 8);
    data.writeUInt16LE(final.messageDataSize, t + 10);
    data.writeUInt16LE(final.messageInstructionIndex, t + 12);
    return final;
  });
  return { data, offsets };
}

export function ed25519Instruction(
  entries: readonly Ed25519Entry[],
  override?: (i: number, o: Ed25519Offsets) => Partial<Ed25519Offsets>,
): TransactionInstruction {
  return new TransactionInstruction({
    programId: Ed25519Program.programId,
    keys: [],
    data: ed25519Data(entries, override).data,
  });
}
