/**
 * The canonical byte encoding of a smart-meter reading (no Node modules: the browser and the
 * Registry client use it; lib/meter-reading.ts adds Ed25519 signing with node:crypto). The meter
 * (or the simulator) signs exactly these bytes; the meter API checks them; the Registry program re-encodes the reading on chain and requires an Ed25519-program
 * instruction that verified the meter's signature over the same 78 bytes.
 *
 *   offset  size  field
 *   0       21    ASCII "GRIDTOKENX:READING:V2" (domain separation: no other signed message
 *                 in the system starts with it; the version changes when the meaning or
 *                 layout does: V1 carried per-interval amounts, V2 cumulative registers)
 *   21      1     meter id length in bytes, 1..32
 *   22      32    meter id (UTF-8), zero-padded to 32 bytes
 *   54      8     production register, u64 little-endian (cumulative Wh produced, as the
 *                 meter's own register shows it; never decreases)
 *   62      8     consumption register, u64 little-endian (cumulative Wh consumed)
 *   70      8     timestamp, i64 little-endian (unix seconds of the register snapshot)
 *
 * The length byte makes the padding unambiguous ("m1" and "m1\0" encode differently).
 * Registers, not per-interval amounts: the energy between two readings is the difference of
 * their registers, so a lost, repeated or reordered reading loses or duplicates nothing (the
 * next reading's register covers it), which is how real meters report (market-anchors §E 9).
 */
import { registryIdl } from "../programs/registry/idl/registry";
import { idlBytes, idlNumber } from "./idl-constants";

// From the Registry's IDL constants, which its C code is built with: one source for both sides.
const DOMAIN_BYTES = idlBytes(registryIdl, "READING_DOMAIN");
export const READING_DOMAIN = new TextDecoder().decode(DOMAIN_BYTES);
export const READING_MESSAGE_LEN = idlNumber(registryIdl, "READING_MESSAGE_LEN");
export const MAX_METER_ID_LEN = idlNumber(registryIdl, "MAX_METER_ID_LEN");
const ID_LEN_OFF = 21;
const ID_OFF = 22;
const PRODUCTION_OFF = 54;
const CONSUMPTION_OFF = 62;
const TIMESTAMP_OFF = 70;

const U64_MAX = (1n << 64n) - 1n;
const I64_MIN = -(1n << 63n);
const I64_MAX = (1n << 63n) - 1n;

export interface MeterReading {
  meterId: string;
  /** The meter's cumulative production register, Wh (u64). */
  productionRegisterWh: bigint | number;
  /** The meter's cumulative consumption register, Wh (u64). */
  consumptionRegisterWh: bigint | number;
  /** Unix seconds (i64). */
  timestamp: bigint | number;
}

/** The decoded form: integers as bigint. */
export interface DecodedReading {
  meterId: string;
  productionRegisterWh: bigint;
  consumptionRegisterWh: bigint;
  timestamp: bigint;
}

export type MeterReadingErrorCode = "INVALID_METER_ID" | "OUT_OF_RANGE" | "MALFORMED_MESSAGE" | "INVALID_KEY";

export class MeterReadingError extends Error {
  constructor(
    readonly code: MeterReadingErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "MeterReadingError";
  }
}

/** A lone UTF-16 surrogate would be silently replaced by U+FFFD when encoded: refuse it. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The meter id as the bytes the chain stores and seeds its PDA with (UTF-8, 1..32 bytes). */
export function meterIdBytes(meterId: string): Uint8Array {
  if (LONE_SURROGATE.test(meterId)) throw new MeterReadingError("INVALID_METER_ID", "meter id is not valid Unicode");
  const bytes = new TextEncoder().encode(meterId);
  if (bytes.length < 1 || bytes.length > MAX_METER_ID_LEN)
    throw new MeterReadingError("INVALID_METER_ID", `meter id must be 1 to ${MAX_METER_ID_LEN} bytes of UTF-8, got ${bytes.length}`);
  return bytes;
}

function integer(name: string, v: bigint | number, min: bigint, max: bigint): bigint {
  if (typeof v === "number" && !Number.isSafeInteger(v))
    throw new MeterReadingError("OUT_OF_RANGE", `${name} must be an integer (a safe integer when passed as a number)`);
  const b = BigInt(v);
  if (b < min || b > max) throw new MeterReadingError("OUT_OF_RANGE", `${name} ${b} is outside [${min}, ${max}]`);
  return b;
}

/** The 78 canonical bytes of a reading. Throws MeterReadingError on an invalid id or range. */
export function encodeReading(reading: MeterReading): Uint8Array {
  const id = meterIdBytes(reading.meterId);
  const production = integer("productionRegisterWh", reading.productionRegisterWh, 0n, U64_MAX);
  const consumption = integer("consumptionRegisterWh", reading.consumptionRegisterWh, 0n, U64_MAX);
  const timestamp = integer("timestamp", reading.timestamp, I64_MIN, I64_MAX);
  const out = new Uint8Array(READING_MESSAGE_LEN);
  const view = new DataView(out.buffer);
  out.set(DOMAIN_BYTES, 0);
  out[ID_LEN_OFF] = id.length;
  out.set(id, ID_OFF);
  view.setBigUint64(PRODUCTION_OFF, production, true);
  view.setBigUint64(CONSUMPTION_OFF, consumption, true);
  view.setBigInt64(TIMESTAMP_OFF, timestamp, true);
  return out;
}

/** Parses canonical bytes back into a reading; refuses anything encodeReading would not produce. */
export function decodeReading(bytes: Uint8Array): DecodedReading {
  const bad = (why: string) => new MeterReadingError("MALFORMED_MESSAGE", `not a canonical reading: ${why}`);
  if (bytes.length !== READING_MESSAGE_LEN) throw bad(`length ${bytes.length}, expected ${READING_MESSAGE_LEN}`);
  if (!DOMAIN_BYTES.every((b, i) => bytes[i] === b)) throw bad("wrong domain prefix");
  const len = bytes[ID_LEN_OFF]!;
  if (len < 1 || len > MAX_METER_ID_LEN) throw bad(`meter id length ${len}`);
  if (bytes.subarray(ID_OFF + len, ID_OFF + MAX_METER_ID_LEN).some((b) => b !== 0)) throw bad("non-zero padding after the meter id");
  let meterId: string;
  try {
    meterId = new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(ID_OFF, ID_OFF + len));
  } catch {
    throw bad("meter id is not UTF-8");
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return {
    meterId,
    productionRegisterWh: view.getBigUint64(PRODUCTION_OFF, true),
    consumptionRegisterWh: view.getBigUint64(CONSUMPTION_OFF, true),
    timestamp: view.getBigInt64(TIMESTAMP_OFF, true),
  };
}

