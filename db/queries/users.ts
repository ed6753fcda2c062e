/**
 * User queries. Functions take the database (or a transaction) first, as in the rest of
 * db/queries, so routers stay free of SQL.
 */
import { and, desc, eq, getTableColumns, isNull, lt, sql } from "drizzle-orm";
import type { Db } from "../client";
import { sessions, users, type User, type UserRole, type UserStatus } from "../schema";

export async function getUserByWallet(db: Db, params: { wallet: string }): Promise<User | undefined> {
  const [row] = await db.select().from(users).where(eq(users.walletAddress, params.wallet)).limit(1);
  return row;
}

export async function getUserById(db: Db, params: { id: string }): Promise<User | undefined> {
  const [row] = await db.select().from(users).where(eq(users.id, params.id)).limit(1);
  return row;
}

/**
 * Creates the user on first sign-in (with `role` and `name`) or touches last_sign_in_at. An
 * existing user's role and name are kept (admins change roles in the console, users their name
 * in the profile), except that `forceAdmin` (the wallet is in ADMIN_WALLETS) always makes it admin.
 */
export async function upsertUserOnSignIn(
  db: Db,
  params: { wallet: string; role: UserRole; name?: string | null; forceAdmin: boolean; at: Date },
): Promise<{ user: User; created: boolean }> {
  const role: UserRole = params.forceAdmin ? "admin" : params.role;
  const [row] = await db
    .insert(users)
    .values({ walletAddress: params.wallet, role, name: params.name ?? null, lastSignInAt: params.at })
    .onConflictDoUpdate({
      target: users.walletAddress,
      set: {
        lastSignInAt: params.at,
        role: params.forceAdmin ? sql`'admin'::user_role` : sql`${users.role}`,
      },
    })
    // xmax = 0 only on a freshly inserted row version: tells insert from update in one statement.
    .returning({ ...getTableColumns(users), created: sql<boolean>`(xmax = 0)` });
  if (!row) throw new Error("upsertUserOnSignIn: no row returned");
  const { created, ...user } = row;
  return { user, created };
}

/** Changing a role ends the user's sessions, so no cookie keeps the old privileges. */
export async function setUserRole(
  db: Db,
  params: { userId: string; role: UserRole; at: Date },
): Promise<User | undefined> {
  return db.transaction(async (tx) => {
    const [user] = await tx
      .update(users)
      .set({ role: params.role })
      .where(eq(users.id, params.userId))
      .returning();
    if (user) await revokeSessionsOf(tx, params.userId, params.at);
    return user;
  });
}

/** Suspending ends the user's sessions; reactivating does not need to. */
export async function setUserStatus(
  db: Db,
  params: { userId: string; status: UserStatus; at: Date },
): Promise<User | undefined> {
  return db.transaction(async (tx) => {
    const [user] = await tx
      .update(users)
      .set({ status: params.status })
      .where(eq(users.id, params.userId))
      .returning();
    if (user && params.status !== "active") await revokeSessionsOf(tx, params.userId, params.at);
    return user;
  });
}

async function revokeSessionsOf(db: Db, userId: string, at: Date) {
  await db
    .update(sessions)
    .set({ revokedAt: at })
    .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt)));
}

/** Newest first; `before` is the createdAt of the last row of the previous page. */
export async function listUsers(
  db: Db,
  params: { limit: number; before?: Date },
): Promise<User[]> {
  return db
    .select()
    .from(users)
    .where(params.before ? lt(users.createdAt, params.before) : undefined)
    .orderBy(desc(users.createdAt))
    .limit(params.limit);
}
