/**
 * Sign-in with the wallet: challenge → wallet signs the message → sign-in → session cookie.
 *
 * Order of checks in signIn, and why:
 * 1. parse the message strictly, then compare its fields with what this server issues (account,
 *    domain, statement, chain id, genesis hash, times). Cheap, no writes.
 * 2. verify the Ed25519 signature.
 * 3. only then consume the nonce, create/update the user, the session and the audit row, in ONE
 *    transaction. Any failure rolls all of it back (so does "this new account needs its role and
 *    name first", for callers that ask: the same signature then creates it).
 * The nonce is consumed only after the signature verifies: a nonce is not secret (it is in the
 * message the wallet shows), so letting a bad signature burn it would let anyone cancel another
 * person's sign-in. A valid signature is single-use: the conditional UPDATE lets exactly one of
 * two concurrent sign-ins with the same nonce through.
 */
import crypto from "node:crypto";
import bs58 from "bs58";
import type { Db } from "~/db/client";
import {
  consumeNonce,
  createNonce,
  createSession,
  getActiveSession,
  getNonce,
  purgeExpiredNonces,
  revokeSession,
} from "~/db/queries/auth";
import { writeAudit } from "~/db/queries/audit";
import { getUserByWallet, upsertUserOnSignIn } from "~/db/queries/users";
import type { UserRole } from "~/db/schema";
import { buildSiwsMessage, parseSiwsMessage } from "~/lib/siws";
import { AppError } from "~/server/errors";
import type { AuthConfig } from "./config";
import { verifyEd25519 } from "./ed25519";
import {
  clearSessionCookieHeader,
  readCookie,
  SESSION_COOKIE,
  sessionCookieHeader,
  signSessionToken,
  verifySessionToken,
} from "./session-cookie";

/** What a request knows about its signed-in user (role read fresh from the users row). */
export interface SessionInfo {
  id: string;
  userId: string;
  wallet: string;
  role: UserRole;
  name: string | null;
  expiresAt: Date;
}

export interface PublicUser {
  wallet: string;
  role: UserRole;
  name: string | null;
}

/** Consumed nonces are kept this long past expiry so replays report AUTH_NONCE_USED. */
const NONCE_RETENTION_MS = 60 * 60 * 1000;

export async function issueChallenge(
  db: Db,
  cfg: AuthConfig,
  params: { publicKey: string; ip: string | null },
): Promise<{ message: string; nonce: string; expiresAt: Date }> {
  const genesisHash = await cfg.getGenesisHash();
  const issuedAt = cfg.now();
  const expiresAt = new Date(issuedAt.getTime() + cfg.challengeTtlSeconds * 1000);
  const nonce = bs58.encode(crypto.randomBytes(16));

  await purgeExpiredNonces(db, { before: new Date(issuedAt.getTime() - NONCE_RETENTION_MS) });
  await createNonce(db, { nonce, wallet: params.publicKey, issuedAt, expiresAt, ip: params.ip });

  const message = buildSiwsMessage({
    domain: cfg.domain,
    address: params.publicKey,
    statement: cfg.statement,
    uri: cfg.uri,
    chainId: cfg.chainId,
    nonce,
    issuedAt,
    expirationTime: expiresAt,
    genesisHash,
  });
  return { message, nonce, expiresAt };
}

export interface SignInParams {
  publicKey: string;
  message: string;
  signature: string;
  role?: "prosumer" | "consumer";
  /** The new account's display name (already validated); ignored for an existing account. */
  name?: string;
  /** See auth.signIn: "ask" refuses to create an account without its role and name. */
  newAccount?: "create" | "ask";
  ip: string | null;
  userAgent: string | null;
}

export interface SignInResult {
  user: PublicUser;
  session: SessionInfo;
  /** The Set-Cookie header value to send. */
  cookie: string;
}

export async function signIn(db: Db, cfg: AuthConfig, p: SignInParams): Promise<SignInResult> {
  // 1. The message, field by field.
  const parsed = parseSiwsMessage(p.message);
  if (!parsed.ok) {
    throw new AppError("AUTH_MESSAGE_MALFORMED", `Malformed sign-in message: ${parsed.reason}`);
  }
  const m = parsed.fields;
  if (m.address !== p.publicKey) throw new AppError("AUTH_ADDRESS_MISMATCH");
  if (m.domain !== cfg.domain || m.uri !== cfg.uri) {
    throw new AppError("AUTH_WRONG_DOMAIN", `The message is for ${m.domain}, not ${cfg.domain}`);
  }
  if (m.statement !== cfg.statement) {
    throw new AppError("AUTH_MESSAGE_MALFORMED", "The statement is not the one this server issues");
  }
  if (m.chainId !== cfg.chainId) {
    throw new AppError("AUTH_WRONG_CLUSTER", `The message is for ${m.chainId}, not ${cfg.chainId}`);
  }
  if (m.genesisHash !== (await cfg.getGenesisHash())) {
    throw new AppError("AUTH_WRONG_CLUSTER", "The message names another cluster's genesis hash");
  }
  const now = cfg.now();
  if (m.issuedAt.getTime() > now.getTime() + cfg.clockSkewSeconds * 1000) {
    throw new AppError("AUTH_MESSAGE_NOT_YET_VALID");
  }
  if (m.expirationTime.getTime() <= now.getTime()) throw new AppError("AUTH_MESSAGE_EXPIRED");

  // 2. The signature over the exact UTF-8 bytes of the message.
  const ok = verifyEd25519(
    bs58.decode(p.publicKey),
    new TextEncoder().encode(p.message),
    bs58.decode(p.signature),
  );
  if (!ok) throw new AppError("AUTH_BAD_SIGNATURE");

  // 3. All writes, atomically.
  const { user, session } = await db.transaction(async (tx) => {
    const consumed = await consumeNonce(tx, { nonce: m.nonce, wallet: p.publicKey, at: now });
    if (!consumed) {
      const row = await getNonce(tx, { nonce: m.nonce });
      if (row?.walletAddress !== p.publicKey) throw new AppError("AUTH_NONCE_UNKNOWN");
      if (row.consumedAt) throw new AppError("AUTH_NONCE_USED");
      throw new AppError("AUTH_MESSAGE_EXPIRED", "The sign-in challenge has expired");
    }
    const forceAdmin = cfg.adminWallets.has(p.publicKey);
    if (p.newAccount === "ask" && !(await getUserByWallet(tx, { wallet: p.publicKey }))) {
      // A new account, and the caller wants to ask its user first. Throwing rolls back the
      // nonce: the same signed message creates the account once the answers are sent.
      if (forceAdmin && !p.name) throw new AppError("AUTH_SIGN_UP_NAME_REQUIRED");
      if (!forceAdmin && (!p.name || !p.role)) throw new AppError("AUTH_SIGN_UP_REQUIRED");
    }
    const { user, created } = await upsertUserOnSignIn(tx, {
      wallet: p.publicKey,
      role: p.role ?? "consumer",
      name: p.name ?? null,
      forceAdmin,
      at: now,
    });
    if (user.status !== "active") throw new AppError("ACCOUNT_SUSPENDED");
    const session = await createSession(tx, {
      userId: user.id,
      expiresAt: new Date(now.getTime() + cfg.sessionTtlSeconds * 1000),
      ip: p.ip,
      userAgent: p.userAgent,
    });
    await writeAudit(tx, {
      actorId: user.id,
      actor: user.walletAddress,
      action: "auth.sign_in",
      targetType: "session",
      targetId: session.id,
      details: { created, role: user.role },
      ip: p.ip,
      at: now,
    });
    return { user, session };
  });

  const token = await signSessionToken(cfg, {
    sessionId: session.id,
    wallet: user.walletAddress,
    expiresAt: session.expiresAt,
  });
  return {
    user: { wallet: user.walletAddress, role: user.role, name: user.name },
    session: {
      id: session.id,
      userId: user.id,
      wallet: user.walletAddress,
      role: user.role,
      name: user.name,
      expiresAt: session.expiresAt,
    },
    cookie: sessionCookieHeader(cfg, token, cfg.sessionTtlSeconds),
  };
}

/** Revokes the current session (if any) and returns the header that clears the cookie. */
export async function signOut(
  db: Db,
  cfg: AuthConfig,
  params: { session: SessionInfo | null; ip: string | null },
): Promise<{ cookie: string }> {
  const { session } = params;
  if (session) {
    await db.transaction(async (tx) => {
      const revoked = await revokeSession(tx, { sessionId: session.id, at: cfg.now() });
      if (revoked) {
        await writeAudit(tx, {
          actorId: session.userId,
          actor: session.wallet,
          action: "auth.sign_out",
          targetType: "session",
          targetId: session.id,
          ip: params.ip,
          at: cfg.now(),
        });
      }
    });
  }
  return { cookie: clearSessionCookieHeader(cfg) };
}

/** The request's session from its cookie, or null (no cookie, bad token, revoked, suspended). */
export async function resolveSession(
  db: Db,
  cfg: AuthConfig,
  headers: Headers,
): Promise<SessionInfo | null> {
  const token = readCookie(headers, SESSION_COOKIE);
  if (!token) return null;
  const claims = await verifySessionToken(cfg, token);
  if (!claims) return null;
  const found = await getActiveSession(db, { sessionId: claims.sessionId, at: cfg.now() });
  if (found?.user.status !== "active") return null;
  if (found.user.walletAddress !== claims.wallet) return null;
  return {
    id: found.session.id,
    userId: found.user.id,
    wallet: found.user.walletAddress,
    role: found.user.role,
    name: found.user.name,
    expiresAt: found.session.expiresAt,
  };
}
