/**
 * The bridge service's row states, once: db/schema.ts makes its enums from these, and the admin
 * console's bridge queue lists them (browser-safe, no database import). What each state means:
 * server/bridge/README.md.
 */
export const BRIDGE_DEPOSIT_STATES = [
  "seen",
  "confirming",
  "attested",
  "submitted",
  "minted",
  "invalid_memo",
  "rejected",
  "reorged",
  "failed",
] as const;

export const BRIDGE_WITHDRAWAL_STATES = [
  "pending",
  "paying",
  "paid",
  "submitted",
  "completed",
  "refunding",
  "refunded",
  "failed",
] as const;
