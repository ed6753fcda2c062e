/**
 * Sign-in nonces and sessions. The nonce is consumed by one conditional UPDATE, so of two
 * concurrent sign-ins with the same nonce exactly one gets the row back.
 */
import { and, eq, gt, isNull, lt } from "drizzle-orm";
import type { Db } from "../client";
import { authNonces, sessions, users, type AuthNonce, type Session, type User } from "../schema";

export async function createNonce(
  db: Db,
  params: { nonce: string; wallet: string; issuedAt: Date; expiresAt: Date; ip: string | null },
): Promise<void> {
  await db.insert(authNonces).values({
    nonce: params.nonce,
    walletAddress: params.wallet,
    issuedAt: params.issuedAt,
    expiresAt: params.expiresAt,
    ip: params.ip,
  });
}

/** Drops nonces that expired before `before` (kept a while so replays report "used"). */
export async function purgeExpiredNonces(db: Db, params: { before: Date }): Promise<void> {
  await db.delete(authNonces).where(lt(authNonces.expiresAt, params.before));
}

/** Marks the nonce used if it exists for this wallet, is unused and unexpired; else undefined. */
export async function consumeNonce(
  db: Db,
  params: { nonce: string; wallet: string; at: Date },
): Promise<AuthNonce | undefined> {
  const [row] = await db
    .update(authNonces)
    .set({ consumedAt: params.at })
    .where(
      and(
        eq(authNonces.nonce, params.nonce),
        eq(authNonces.walletAddress, params.wallet),
        isNull(authNonces.consumedAt),
        gt(authNonces.expiresAt, params.at),
      ),
    )
    .returning();
  return row;
}

export async function getNonce(db: Db, params: { nonce: string }): Promise<AuthNonce | undefined> {
  const [row] = await db.select().from(authNonces).where(eq(authNonces.nonce, params.nonce)).limit(1);
  return row;
}

export async function createSession(
  db: Db,
  params: { userId: string; expiresAt: Date; ip: string | null; userAgent: string | null },
): Promise<Session> {
  const [row] = await db
    .insert(sessions)
    .values({
      userId: params.userId,
      expiresAt: params.expiresAt,
      ip: params.ip,
      userAgent: params.userAgent?.slice(0, 400) ?? null,
    })
    .returning();
  if (!row) throw new Error("createSession: no row returned");
  return row;
}

/** The session and its user, if the session is neither revoked nor expired at `at`. */
export async function getActiveSession(
  db: Db,
  params: { sessionId: string; at: Date },
): Promise<{ session: Session; user: User } | undefined> {
  const [row] = await db
    .select({ session: sessions, user: users })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(
      and(
        eq(sessions.id, params.sessionId),
        isNull(sessions.revokedAt),
        gt(sessions.expiresAt, params.at),
      ),
    )
    .limit(1);
  return row;
}

/** Revokes one session; returns it if it was active. */
export async function revokeSession(
  db: Db,
  params: { sessionId: string; at: Date },
): Promise<Session | undefined> {
  const [row] = await db
    .update(sessions)
    .set({ revokedAt: params.at })
    .where(and(eq(sessions.id, params.sessionId), isNull(sessions.revokedAt)))
    .returning();
  return row;
}

export async function countSessions(db: Db, params: { userId?: string } = {}): Promise<number> {
  const rows = await db
    .select({ id: sessions.id })
    .from(sessions)
    .where(params.userId ? eq(sessions.userId, params.userId) : undefined);
  return rows.length;
}
