/**
 * The app's display name (users.name): one set of rules for the profile card's editing
 * (users.updateProfile) and for the name a new account picks at sign-up (auth.signIn). Shared by
 * the browser (to say what is wrong before anything is sent) and the server (which decides).
 * Not the on-chain name: register_user stores at most MAX_NAME_LEN bytes of it (onChainName).
 */
import { z } from "zod";
import { registryIdl } from "../programs/registry/idl/registry";
import { idlNumber } from "./idl-constants";

/** The longest name the Registry stores, in UTF-8 bytes (its IDL constant MAX_NAME_LEN). */
export const ON_CHAIN_NAME_MAX_BYTES = idlNumber(registryIdl, "MAX_NAME_LEN");

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

/**
 * The display name as register_user stores it: cut to ON_CHAIN_NAME_MAX_BYTES of UTF-8 at a
 * character boundary (a cut by characters can exceed the byte limit, which the program refuses).
 */
export function onChainName(name: string): string {
  const encoder = new TextEncoder();
  let out = "";
  let bytes = 0;
  for (const ch of name) {
    const n = encoder.encode(ch).length;
    if (bytes + n > ON_CHAIN_NAME_MAX_BYTES) break;
    out += ch;
    bytes += n;
  }
  return out;
}
