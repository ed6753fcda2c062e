/** Display helpers shared by the UI. Pure functions: no React, no browser APIs. */

/** "7xKX…gAsU": the first and last `chars` characters of a base58 address. */
export function shortAddress(address: string, chars = 4): string {
  if (address.length <= chars * 2 + 1) return address;
  return `${address.slice(0, chars)}…${address.slice(-chars)}`;
}

export type UserRole = "prosumer" | "consumer" | "admin";

export const ROLE_LABELS: Record<UserRole, string> = {
  prosumer: "Prosumer",
  consumer: "Consumer",
  admin: "Admin",
};

export function roleLabel(role: string): string {
  return role in ROLE_LABELS ? ROLE_LABELS[role as UserRole] : role;
}

export const CLUSTER_LABELS = {
  localnet: "Localnet",
  devnet: "Devnet",
  "mainnet-beta": "Mainnet",
} as const;

/** For a phone's header: the same networks in fewer letters. */
export const CLUSTER_SHORT_LABELS = {
  localnet: "Local",
  devnet: "Dev",
  "mainnet-beta": "Main",
} as const satisfies Record<keyof typeof CLUSTER_LABELS, string>;
