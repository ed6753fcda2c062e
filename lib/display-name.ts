/**
 * The app's display name (users.name): one set of rules for the profile card's editing
 * (users.updateProfile) and for the name a new account picks at sign-up (auth.signIn). Shared by
 * the browser (to say what is wrong before anything is sent) and the server (which decides).
 * Not the on-chain name: register_user stores at most 32 bytes of it.
 */
import { z } from "zod";

export const DISPLAY_NAME_MAX = 80;

const trimmed = z.string().trim().max(DISPLAY_NAME_MAX, `at most ${DISPLAY_NAME_MAX} characters`);

/** Editing the profile: an empty name clears it (null). */
export const displayNameSchema = trimmed.transform((s) => (s.length === 0 ? null : s));

/** A new account's name: required. */
export const newDisplayNameSchema = trimmed.min(1, "enter a display name");

/** The first problem with `input` as a new account's name, or null when it is fine. */
export function newDisplayNameProblem(input: string): string | null {
  const result = newDisplayNameSchema.safeParse(input);
  return result.success ? null : (result.error.issues[0]?.message ?? "not a valid name");
}
