/**
 * The shape of one signed reading as a meter posts it, checked with zod:
 *   { data: { meter_id, production_register, consumption_register, timestamp }, signature, public_key }
 * Unknown keys are refused at every level (a typo must not pass silently).
 *
 * Numbers: production_register and consumption_register are the meter's cumulative registers in
 * Wh (reading encoding V2), non-negative integers up to 2^63−1 (PostgreSQL bigint; the signed
 * u64 has room above that, but no real meter's lifetime gets near 9.2 EWh). JSON
 * numbers must be safe integers (≤ 2^53−1) because JSON.parse rounds anything larger; larger
 * values go as decimal strings ("12345678901234567890"). timestamp: unix seconds as a safe
 * integer, or the ISO-8601 UTC string "YYYY-MM-DDTHH:MM:SSZ" (whole seconds, "Z" only: the
 * meter signs whole seconds, so the gateway accepts no form that could round).
 */
import { z } from "zod";
import { MAX_METER_ID_LEN, MeterReadingError, meterIdBytes } from "~/lib/meter-reading";
import { decodeBinary, isBase58, toBase58 } from "./key-encoding";

export const WH_MAX = (1n << 63n) - 1n;

/** C0/C1 controls and DEL: PostgreSQL text cannot hold NUL, and none belongs in a device id. */
const isControl = (s: string) => {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) return true;
  }
  return false;
};
const ISO_UTC = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z$/;
const DECIMAL = /^(0|[1-9][0-9]{0,18})$/;

const whAmount = z.unknown().transform((v, ctx): bigint => {
  if (typeof v === "number" && Number.isSafeInteger(v) && v >= 0) return BigInt(v);
  if (typeof v === "string" && DECIMAL.test(v)) {
    const b = BigInt(v);
    if (b <= WH_MAX) return b;
  }
  ctx.addIssue({
    code: "custom",
    message:
      typeof v === "number" && Number.isInteger(v) && v > 0
        ? "above 2^53−1: send it as a decimal string"
        : "must be a non-negative integer Wh (a safe JSON integer, or a decimal string up to 2^63−1)",
  });
  return z.NEVER;
});

/** Unix seconds from a safe integer or a strict "YYYY-MM-DDTHH:MM:SSZ". */
export function parseTimestamp(v: unknown): number | null {
  if (typeof v === "number") return Number.isSafeInteger(v) ? v : null;
  if (typeof v !== "string") return null;
  const m = ISO_UTC.exec(v);
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  // Date.UTC rolls 2026-02-30 over to March: a real calendar time must round-trip.
  return new Date(ms).toISOString() === `${v.slice(0, 19)}.000Z` ? ms / 1000 : null;
}

/** The ISO-8601 form the gateway answers with (and accepts): whole seconds, UTC, "Z". */
export function isoSeconds(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toISOString().replace(".000Z", "Z");
}

const timestamp = z.unknown().transform((v, ctx): number => {
  const t = parseTimestamp(v);
  if (t !== null) return t;
  ctx.addIssue({
    code: "custom",
    message:
      'must be unix seconds (a safe integer) or an ISO-8601 UTC string "YYYY-MM-DDTHH:MM:SSZ"',
  });
  return z.NEVER;
});

const meterId = z
  .string()
  .min(1)
  .max(32)
  .transform((v, ctx) => {
    if (isControl(v)) {
      ctx.addIssue({ code: "custom", message: "must not contain control characters" });
      return z.NEVER;
    }
    try {
      meterIdBytes(v);
    } catch (err) {
      ctx.addIssue({
        code: "custom",
        message: err instanceof MeterReadingError ? err.message : "invalid meter id",
      });
      return z.NEVER;
    }
    return v;
  });

const binary = (n: number, what: string) =>
  z
    .string()
    .max(4 * n)
    .transform((v, ctx) => {
      const bytes = decodeBinary(v, n);
      // Base58 that decodes to exactly n bytes is canonical: keep the text, skip re-encoding.
      if (bytes) return { bytes, base58: isBase58(v, n) ? v : toBase58(bytes) };
      ctx.addIssue({
        code: "custom",
        message: `must be a ${n}-byte ${what} in base58, hex or padded base64`,
      });
      return z.NEVER;
    });

export const submissionSchema = z.strictObject({
  data: z.strictObject({
    meter_id: meterId,
    production_register: whAmount,
    consumption_register: whAmount,
    timestamp,
  }),
  signature: binary(64, "Ed25519 signature"),
  public_key: binary(32, "Ed25519 public key"),
});

export const batchEnvelopeSchema = z.strictObject({ readings: z.array(z.unknown()).min(1) });

/** A submission that passed the schema. */
export interface ParsedSubmission {
  meterId: string;
  /** Cumulative registers, Wh. */
  productionRegisterWh: bigint;
  consumptionRegisterWh: bigint;
  /** Unix seconds. */
  timestamp: number;
  signature: Uint8Array;
  publicKey: Uint8Array;
  /** The same, in canonical base58 (as stored, and as meters.public_key holds keys). */
  signatureBase58: string;
  publicKeyBase58: string;
}

export type ParseResult = { ok: true; value: ParsedSubmission } | { ok: false; message: string };

/** One line naming each bad field ("data.production_register: …; signature: …"). */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.length ? i.path.join(".") : "body"}: ${i.message}`)
    .join("; ");
}

export function parseSubmission(raw: unknown): ParseResult {
  const r = submissionSchema.safeParse(raw);
  if (!r.success) return { ok: false, message: describeIssues(r.error) };
  const { data, signature, public_key } = r.data;
  return {
    ok: true,
    value: {
      meterId: data.meter_id,
      productionRegisterWh: data.production_register,
      consumptionRegisterWh: data.consumption_register,
      timestamp: data.timestamp,
      signature: signature.bytes,
      publicKey: public_key.bytes,
      signatureBase58: signature.base58,
      publicKeyBase58: public_key.base58,
    },
  };
}

/** meter_id and timestamp when they can be read, to label a refused batch item. */
export function labelOf(raw: unknown): { meter_id?: string; timestamp?: number } {
  if (typeof raw !== "object" || raw === null || !("data" in raw)) return {};
  const data = raw.data;
  if (typeof data !== "object" || data === null) return {};
  const d = data as Record<string, unknown>;
  const out: { meter_id?: string; timestamp?: number } = {};
  if (typeof d.meter_id === "string" && d.meter_id.length <= MAX_METER_ID_LEN) out.meter_id = d.meter_id;
  const t = parseTimestamp(d.timestamp);
  if (t !== null) out.timestamp = t;
  return out;
}
