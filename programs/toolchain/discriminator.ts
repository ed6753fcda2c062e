/** Anchor discriminators: the first 8 bytes of sha256("<namespace>:<name>"). */
import { createHash } from "node:crypto";

export function discriminator(namespace: "global" | "account" | "event", name: string): number[] {
  return [...createHash("sha256").update(`${namespace}:${name}`).digest().subarray(0, 8)];
}

/** Instruction discriminator; `name` is the snake_case instruction name. */
export const instructionDiscriminator = (snakeName: string) => discriminator("global", snakeName);
/** Account discriminator; `name` is the PascalCase type name. */
export const accountDiscriminator = (pascalName: string) => discriminator("account", pascalName);
/** Event discriminator; `name` is the PascalCase type name. */
export const eventDiscriminator = (pascalName: string) => discriminator("event", pascalName);

/** The 8 bytes as the little-endian u64 the C side compares in one load. */
export function discriminatorU64(bytes: readonly number[]): bigint {
  if (bytes.length !== 8) throw new Error(`discriminator must be 8 bytes, got ${bytes.length}`);
  return bytes.reduceRight((acc, b) => (acc << 8n) | BigInt(b), 0n);
}
