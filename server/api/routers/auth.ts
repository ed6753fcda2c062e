/**
 * Sign-in with the wallet. Thin: validation here, the logic in server/auth/sign-in.ts.
 * Contract (the UI codes against it):
 * - challenge({ publicKey }) → { message, nonce, expiresAt }
 * - signIn({ publicKey, message, signature, role?, name?, newAccount? }) → { user: { wallet, role, name } } + cookie
 *   (newAccount "ask": a wallet without an account gets AUTH_SIGN_UP_REQUIRED or
 *   AUTH_SIGN_UP_NAME_REQUIRED until role and name are sent; nothing is written meanwhile)
 * - me() → { wallet, role, name } | null
 * - signOut() → { ok: true }, session revoked, cookie cleared
 */
import { z } from "zod";
import { newDisplayNameSchema } from "~/lib/display-name";
import { isBase58OfLength } from "~/lib/siws";
import { issueChallenge, signIn, signOut } from "~/server/auth/sign-in";
import { createTRPCRouter, publicProcedure, rateLimitByIp } from "../trpc";

const publicKeySchema = z
  .string()
  .trim()
  .refine((s) => isBase58OfLength(s, 32), "must be a base58-encoded 32-byte public key");

export const challengeInput = z.object({ publicKey: publicKeySchema });

export const signInInput = z.object({
  publicKey: publicKeySchema,
  message: z.string().min(1).max(2048),
  signature: z
    .string()
    .trim()
    .refine((s) => isBase58OfLength(s, 64), "must be a base58-encoded 64-byte Ed25519 signature"),
  /** Only used when this sign-in creates the account (ignored for ADMIN_WALLETS: admin). */
  role: z.enum(["prosumer", "consumer"]).optional(),
  /** The new account's display name; only used when this sign-in creates the account. */
  name: newDisplayNameSchema.optional(),
  /**
   * What to do when the wallet has no account yet. "create" (the default): create it with
   * `role` (default consumer) and `name` (default none). "ask": create it only when what it
   * needs was sent (`role` and `name`; an admin wallet only `name`), else answer
   * AUTH_SIGN_UP_REQUIRED / AUTH_SIGN_UP_NAME_REQUIRED without writing anything, so the same
   * message and signature can be sent again with the answers. The UI asks.
   */
  newAccount: z.enum(["create", "ask"]).default("create"),
});

export const authRouter = createTRPCRouter({
  challenge: publicProcedure
    .use(rateLimitByIp("auth:challenge"))
    .input(challengeInput)
    .mutation(({ ctx, input }) =>
      issueChallenge(ctx.db, ctx.auth, { publicKey: input.publicKey, ip: ctx.ip }),
    ),

  signIn: publicProcedure
    .use(rateLimitByIp("auth:signin"))
    .input(signInInput)
    .mutation(async ({ ctx, input }) => {
      const result = await signIn(ctx.db, ctx.auth, {
        ...input,
        ip: ctx.ip,
        userAgent: ctx.headers.get("user-agent"),
      });
      ctx.resHeaders.append("Set-Cookie", result.cookie);
      return { user: result.user };
    }),

  me: publicProcedure.query(({ ctx }) =>
    ctx.session
      ? { wallet: ctx.session.wallet, role: ctx.session.role, name: ctx.session.name }
      : null,
  ),

  signOut: publicProcedure.mutation(async ({ ctx }) => {
    const { cookie } = await signOut(ctx.db, ctx.auth, { session: ctx.session, ip: ctx.ip });
    ctx.resHeaders.append("Set-Cookie", cookie);
    return { ok: true as const };
  }),
});
