/**
 * Meter queries. The gateway reads meters here for its early checks; the authoritative checks
 * (active, registered key, strictly newer) run again under a row lock in readings.ts.
 */
import { eq, inArray } from "drizzle-orm";
import type { Db } from "../client";
import { meters, type Meter, type MeterStatus, type MeterType } from "../schema";

/** What the meter gateway needs to know about a meter. */
export interface GatewayMeter {
  meterId: string;
  status: MeterStatus;
  /** base58 Ed25519 public key. */
  publicKey: string;
  ratedCapacityW: number;
}

const gatewayColumns = {
  meterId: meters.meterId,
  status: meters.status,
  publicKey: meters.publicKey,
  ratedCapacityW: meters.ratedCapacityW,
};

export async function getGatewayMeters(
  db: Db,
  params: { meterIds: string[] },
): Promise<GatewayMeter[]> {
  if (params.meterIds.length === 0) return [];
  return db.select(gatewayColumns).from(meters).where(inArray(meters.meterId, params.meterIds));
}

export async function getMeterByMeterId(
  db: Db,
  params: { meterId: string },
): Promise<Meter | undefined> {
  const [row] = await db.select().from(meters).where(eq(meters.meterId, params.meterId)).limit(1);
  return row;
}

export interface NewGatewayMeter {
  meterId: string;
  ownerId: string;
  publicKey: string;
  type: MeterType;
  zone: string;
  ratedCapacityW: number;
  status?: MeterStatus;
}

/** Registers meters (off chain); one statement, so a bulk load is one round trip. */
export async function insertMeters(
  db: Db,
  params: { meters: NewGatewayMeter[] },
): Promise<Meter[]> {
  if (params.meters.length === 0) return [];
  return db.insert(meters).values(params.meters).returning();
}

export async function setMeterStatus(
  db: Db,
  params: { meterId: string; status: MeterStatus },
): Promise<Meter | undefined> {
  const [row] = await db
    .update(meters)
    .set({ status: params.status })
    .where(eq(meters.meterId, params.meterId))
    .returning();
  return row;
}

export async function setMeterPublicKey(
  db: Db,
  params: { meterId: string; publicKey: string },
): Promise<Meter | undefined> {
  const [row] = await db
    .update(meters)
    .set({ publicKey: params.publicKey })
    .where(eq(meters.meterId, params.meterId))
    .returning();
  return row;
}
