/**
 * A program's constants as its IDL declares them (`constants`: the same values the C program is
 * built with, through its generated header), so TypeScript never restates one by hand.
 * Browser-safe.
 */
interface IdlWithConstants {
  constants?: readonly { name: string; type: unknown; value: string }[];
}

function find(idl: unknown, name: string): { type: unknown; value: string } {
  const c = (idl as IdlWithConstants).constants?.find((k) => k.name === name);
  if (!c) throw new Error(`the IDL declares no constant ${name}`);
  return c;
}

/** An integer constant (u8…u64, i8…i64) as a number; throws beyond 2^53. */
export function idlNumber(idl: unknown, name: string): number {
  const n = Number(find(idl, name).value);
  if (!Number.isSafeInteger(n)) throw new Error(`IDL constant ${name} is not a safe integer`);
  return n;
}

/** A `bytes` constant ("[71,82,…]"). */
export function idlBytes(idl: unknown, name: string): Uint8Array {
  const c = find(idl, name);
  if (c.type !== "bytes") throw new Error(`IDL constant ${name} is not bytes`);
  return Uint8Array.from(JSON.parse(c.value) as number[]);
}

/** A `pubkey` constant, as its base58 text. */
export function idlPubkey(idl: unknown, name: string): string {
  const c = find(idl, name);
  if (c.type !== "pubkey") throw new Error(`IDL constant ${name} is not a pubkey`);
  return c.value;
}
