/**
 * The canonical byte encoding of a smart-meter reading, and Ed25519 signing/verification over it
 * with node:crypto. The meter (or the simulator) signs exactly these bytes; the meter API checks
 * them; the Registry program re-encodes the reading on chain and requires an Ed25519-program
 * instruction that verified the meter's signature over the same 78 bytes.
 *
 *   offset  size  field
 *   0       21    ASCII "GRIDTOKENX:READING:V1" (domain separation: no other signed message
 *                 in the system starts with it; the version changes if the layout does)
 *   21      1     meter id length in bytes, 1..32
 *   22      32    meter id (UTF-8), zero-padded to 32 bytes
 *   54      8     production_wh, u64 little-endian (energy produced in the interval, Wh)
 *   62      8     consumption_wh, u64 little-endian (energy consumed in the interval, Wh)
 *   70      8     timestamp, i64 little-endian (unix seconds, end of the interval)
 *
 * The length byte makes the padding unambiguous ("m1" and "m1\0" encode differently).
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from "node:crypto";

export const READING_DOMAIN = "GRIDTOKENX:READING:V1";
export const READING_MESSAGE_LEN = 78;
export const MAX_METER_ID_LEN = 32;

const DOMAIN_BYTES = new TextEncoder().encode(READING_DOMAIN);
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
  /** Wh produced in the interval (u64). */
  productionWh: bigint | number;
  /** Wh consumed in the interval (u64). */
  consumptionWh: bigint | number;
  /** Unix seconds (i64). */
  timestamp: bigint | number;
}

/** The decoded form: integers as bigint. */
export interface DecodedReading {
  meterId: string;
  productionWh: bigint;
  consumptionWh: bigint;
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
  const production = integer("productionWh", reading.productionWh, 0n, U64_MAX);
  const consumption = integer("consumptionWh", reading.consumptionWh, 0n, U64_MAX);
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
    productionWh: view.getBigUint64(PRODUCTION_OFF, true),
    consumptionWh: view.getBigUint64(CONSUMPTION_OFF, true),
    timestamp: view.getBigInt64(TIMESTAMP_OFF, true),
  };
}

// ---------- Ed25519 keys (raw 32-byte form, as stored on chain) ----------

const PKCS8_ED25519_PREFIX = Uint8Array.from([0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20]);
const SPKI_ED25519_PREFIX = Uint8Array.from([0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00]);

const concat = (a: Uint8Array, b: Uint8Array) => {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
};

/** A private key from its 32-byte seed (also the first half of a Solana 64-byte secret key). */
export function privateKeyFromSeed(seed: Uint8Array): KeyObject {
  if (seed.length !== 32) throw new MeterReadingError("INVALID_KEY", `an Ed25519 seed is 32 bytes, got ${seed.length}`);
  return createPrivateKey({ key: Buffer.from(concat(PKCS8_ED25519_PREFIX, seed)), format: "der", type: "pkcs8" });
}

/** A public key from its raw 32 bytes. */
export function publicKeyFromBytes(raw: Uint8Array): KeyObject {
  if (raw.length !== 32) throw new MeterReadingError("INVALID_KEY", `an Ed25519 public key is 32 bytes, got ${raw.length}`);
  return createPublicKey({ key: Buffer.from(concat(SPKI_ED25519_PREFIX, raw)), format: "der", type: "spki" });
}

/** The raw 32 bytes of an Ed25519 public key (or of the public half of a private key). */
export function publicKeyBytes(key: KeyObject): Uint8Array {
  const pub = key.type === "private" ? createPublicKey(key) : key;
  if (pub.asymmetricKeyType !== "ed25519") throw new MeterReadingError("INVALID_KEY", "not an Ed25519 key");
  const der = pub.export({ format: "der", type: "spki" });
  return Uint8Array.from(der.subarray(der.length - 32));
}

export interface MeterKeyPair {
  privateKey: KeyObject;
  /** Raw 32 bytes: what register_meter stores as meter_pubkey. */
  publicKey: Uint8Array;
}

export function generateMeterKeyPair(): MeterKeyPair {
  const { privateKey } = generateKeyPairSync("ed25519");
  return { privateKey, publicKey: publicKeyBytes(privateKey) };
}

export function meterKeyPairFromSeed(seed: Uint8Array): MeterKeyPair {
  const privateKey = privateKeyFromSeed(seed);
  return { privateKey, publicKey: publicKeyBytes(privateKey) };
}

const asPrivateKey = (k: KeyObject | Uint8Array) => (k instanceof Uint8Array ? privateKeyFromSeed(k) : k);

/** Signs the canonical encoding; returns the 64-byte Ed25519 signature. */
export function signReading(reading: MeterReading, privateKey: KeyObject | Uint8Array): Uint8Array {
  return Uint8Array.from(sign(null, encodeReading(reading), asPrivateKey(privateKey)));
}

/** True when `signature` is `publicKey`'s Ed25519 signature over the reading's canonical encoding. */
export function verifyReading(reading: MeterReading, signature: Uint8Array, publicKey: Uint8Array | KeyObject): boolean {
  if (signature.length !== 64) return false;
  let key: KeyObject;
  try {
    key = publicKey instanceof Uint8Array ? publicKeyFromBytes(publicKey) : publicKey;
  } catch {
    return false;
  }
  return verify(null, encodeReading(reading), key, signature);
}
