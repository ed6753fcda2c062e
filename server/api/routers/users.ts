/**
 * users.me: the signed-in user's profile; users.updateProfile: change the display name.
 * (The on-chain name is set at register_user; this one is the app's display name.)
 */
import { z } from "zod";
import { updateUserName } from "~/db/queries/dashboard";
import { getUserById } from "~/db/queries/users";
import { displayNameSchema } from "~/lib/display-name";
import { AppError } from "~/server/errors";
import { createTRPCRouter, signedInProcedure } from "../trpc";

export const profileOutput = z.object({
  wallet: z.string(),
  role: z.enum(["prosumer", "consumer", "admin"]),
  name: z.string().nullable(),
  status: z.enum(["active", "suspended"]),
  registeredOnChain: z.boolean(),
  userPda: z.string().nullable(),
  createdAt: z.date(),
});

export const updateProfileInput = z.object({ name: displayNameSchema });

function toProfile(user: NonNullable<Awaited<ReturnType<typeof getUserById>>>): z.infer<typeof profileOutput> {
  return {
    wallet: user.walletAddress,
    role: user.role,
    name: user.name,
    status: user.status,
    registeredOnChain: user.pdaAddress !== null,
    userPda: user.pdaAddress,
    createdAt: user.createdAt,
  };
}

export const usersRouter = createTRPCRouter({
  me: signedInProcedure.output(profileOutput).query(async ({ ctx }) => {
    const user = await getUserById(ctx.db, { id: ctx.session.userId });
    if (!user) throw new AppError("UNAUTHENTICATED", "The account no longer exists");
    return toProfile(user);
  }),

  updateProfile: signedInProcedure
    .input(updateProfileInput)
    .output(profileOutput)
    .mutation(async ({ ctx, input }) => {
      const user = await updateUserName(ctx.db, { userId: ctx.session.userId, name: input.name });
      if (!user) throw new AppError("UNAUTHENTICATED", "The account no longer exists");
      return toProfile(user);
    }),
});
