/**
 * The HTTP API's input, checked with zod before anything else happens. Amounts travel as decimal
 * strings of base units (0.000001 THB) so no JSON number ever rounds them.
 */
import { z } from "zod";
import { isAddress, MEMO_MAX_BYTES, U64_MAX } from "./encoding";

export const addressSchema = z.string().refine(isAddress, { message: "not a base58 32-byte address" });

export const amountSchema = z
  .string()
  .regex(/^[1-9][0-9]{0,19}$/, { message: "a positive integer of base units (0.000001 THB) as a decimal string" })
  .transform((s) => BigInt(s))
  .refine((n) => n <= U64_MAX, { message: "at most 2^64-1 base units" });

export const memoSchema = z
  .string()
  .refine((s) => Buffer.byteLength(s, "utf8") <= MEMO_MAX_BYTES, { message: `at most ${MEMO_MAX_BYTES} bytes of UTF-8` });

export const transferBodySchema = z.strictObject({
  from: addressSchema,
  to: addressSchema,
  amount: amountSchema,
  memo: memoSchema.default(""),
  nonce: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  signature: z.string().regex(/^[1-9A-HJ-NP-Za-km-z]{64,90}$/, { message: "a base58 64-byte Ed25519 signature" }),
});

export const fundBodySchema = z.strictObject({ address: addressSchema, amount: amountSchema });

export const reorgBodySchema = z.strictObject({
  depth: z.number().int().min(1),
  /** put the dropped blocks' transfers back in the mempool instead of dropping them */
  requeue: z.boolean().default(false),
});

export const produceBodySchema = z.strictObject({ count: z.number().int().min(1).max(1000).default(1) });

const heightParam = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const flag = z.enum(["true", "false", "1", "0"]).transform((v) => v === "true" || v === "1");

export const accountTransfersQuerySchema = z.strictObject({
  since: heightParam.default(0),
  direction: z.enum(["in", "out", "all"]).default("all"),
  limit: z.coerce.number().int().min(1).max(1000).default(1000),
  includeDropped: flag.default(false),
});

export const MAX_BLOCK_RANGE = 100;

export const blocksQuerySchema = z.strictObject({ from: heightParam.optional(), to: heightParam.optional() });
