/**
 * The session cookie: `gtx_session`, httpOnly, SameSite=Strict, Path=/, Secure in production,
 * holding a short-lived HS256 JWT whose `sid` names a row in `sessions`. The JWT alone is never
 * enough: the row must also be unrevoked and unexpired, so sign-out and role changes take effect
 * immediately.
 */
import { jwtVerify, SignJWT } from "jose";
import type { AuthConfig } from "./config";

export const SESSION_COOKIE = "gtx_session";
const ISSUER = "gridtokenx";
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export async function signSessionToken(
  cfg: AuthConfig,
  claims: { sessionId: string; wallet: string; expiresAt: Date },
): Promise<string> {
  return new SignJWT({ sid: claims.sessionId })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(claims.wallet)
    .setIssuer(ISSUER)
    .setAudience(cfg.domain)
    .setIssuedAt(Math.floor(cfg.now().getTime() / 1000))
    .setExpirationTime(Math.floor(claims.expiresAt.getTime() / 1000))
    .sign(cfg.secret);
}

/** The session id in a valid token, or null for anything forged, expired or malformed. */
export async function verifySessionToken(
  cfg: AuthConfig,
  token: string,
): Promise<{ sessionId: string; wallet: string } | null> {
  try {
    const { payload } = await jwtVerify(token, cfg.secret, {
      algorithms: ["HS256"],
      issuer: ISSUER,
      audience: cfg.domain,
      currentDate: cfg.now(),
    });
    if (typeof payload.sid !== "string" || !UUID_RE.test(payload.sid)) return null;
    if (typeof payload.sub !== "string") return null;
    return { sessionId: payload.sid, wallet: payload.sub };
  } catch {
    return null;
  }
}

export function sessionCookieHeader(cfg: AuthConfig, token: string, maxAgeSeconds: number): string {
  const parts = [
    `${SESSION_COOKIE}=${token}`,
    "Path=/",
    "HttpOnly",
    "SameSite=Strict",
    `Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}`,
  ];
  if (cfg.secureCookie) parts.push("Secure");
  return parts.join("; ");
}

export function clearSessionCookieHeader(cfg: AuthConfig): string {
  return sessionCookieHeader(cfg, "", 0);
}

/** Reads one cookie from a Cookie header. */
export function readCookie(headers: Headers, name: string): string | undefined {
  const header = headers.get("cookie");
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq === -1) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
