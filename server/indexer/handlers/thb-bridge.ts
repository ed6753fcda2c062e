/**
 * THB bridge events → the bridge mirrors: Deposited → bridge_deposits (one row per deposit id);
 * WithdrawalRequested / WithdrawalCompleted / WithdrawalRefunded → bridge_withdrawals (one row
 * per Withdrawal PDA, pending → completed or refunded); BridgeInitialized, LimitsSet, PausedSet,
 * AttestorsSet, AdminTransferProposed and AdminTransferred → bridge_config. AttestorsProposed is
 * not cached (the pending set is read from the account when needed). Balances are read from the
 * token accounts, never from here.
 */
import {
  applyBridgeConfig,
  recordBridgeDeposit,
  recordWithdrawalCompleted,
  recordWithdrawalRefunded,
  recordWithdrawalRequested,
} from "~/db/queries/bridge";
import { bridgeAddress, depositAddress } from "~/programs/thb_bridge/client";
import type { ThbBridge } from "~/programs/thb_bridge/idl/thb_bridge";
import { type ChainTx, defineIndexer, type LiveChannelSpecs } from "~/server/chain/types";
import { base58, bigintOf, hexOf, numberOf } from "./decode";

/** Who hears each channel, and which of the browser's queries a notice refreshes. */
export const thbBridgeChannels = {
  /** THBC minted to the recipient against a THB deposit. */
  deposits: { audience: "owner", stale: ["bridge", "wallet-balances"] },
  /** A withdrawal requested, paid out or refunded: its holder, and the admin console's queue. */
  withdrawals: { audience: "owner-or-admin", stale: ["bridge", "wallet-balances", "admin"] },
  /** Limits, pause, attestors, admin: what the Wallet page and the console show of the bridge. */
  bridge: { audience: "everyone", stale: ["bridge", "admin"] },
} as const satisfies LiveChannelSpecs;

const at = (tx: ChainTx) => ({ signature: tx.signature, slot: tx.slot });
const bridge = () => bridgeAddress().toBase58();
const DEFAULT_KEY = "11111111111111111111111111111111";

export const thbBridgeIndexer = defineIndexer<ThbBridge, typeof thbBridgeChannels>(thbBridgeChannels, {
  deposited: async (t, d, tx) => {
    const recipient = base58(d.recipient);
    const amount = bigintOf(d.amount);
    await recordBridgeDeposit(t, {
      depositId: hexOf(d.depositId),
      depositPda: depositAddress(Uint8Array.from(d.depositId)).toBase58(),
      recipientWallet: recipient,
      recipientToken: base58(d.recipientToken),
      amount,
      thbTxRef: hexOf(d.thbTxRef),
      signature: tx.signature,
      slot: tx.slot,
      blockTime: tx.blockTime,
    });
    return [
      {
        channel: "deposits",
        payload: { ...at(tx), kind: "minted", owner: recipient, amount: amount.toString() },
      },
    ];
  },

  withdrawalRequested: async (t, d, tx) => {
    const holder = base58(d.holder);
    await recordWithdrawalRequested(t, {
      withdrawalPda: base58(d.withdrawal),
      withdrawalId: bigintOf(d.withdrawalId),
      holderWallet: holder,
      amount: bigintOf(d.amount),
      thbDestination: hexOf(d.thbDestination),
      signature: tx.signature,
      slot: tx.slot,
      blockTime: tx.blockTime,
    });
    return [{ channel: "withdrawals", payload: { ...at(tx), kind: "requested", owner: holder } }];
  },

  withdrawalCompleted: async (t, d, tx) => {
    const holder = base58(d.holder);
    await recordWithdrawalCompleted(t, {
      withdrawalPda: base58(d.withdrawal),
      withdrawalId: bigintOf(d.withdrawalId),
      holderWallet: holder,
      amount: bigintOf(d.amount),
      thbTxRef: hexOf(d.thbTxRef),
      signature: tx.signature,
      slot: tx.slot,
      blockTime: tx.blockTime,
    });
    return [{ channel: "withdrawals", payload: { ...at(tx), kind: "completed", owner: holder } }];
  },

  withdrawalRefunded: async (t, d, tx) => {
    const holder = base58(d.holder);
    await recordWithdrawalRefunded(t, {
      withdrawalPda: base58(d.withdrawal),
      withdrawalId: bigintOf(d.withdrawalId),
      holderWallet: holder,
      amount: bigintOf(d.amount),
      attested: d.attested,
      signature: tx.signature,
      slot: tx.slot,
      blockTime: tx.blockTime,
    });
    return [{ channel: "withdrawals", payload: { ...at(tx), kind: "refunded", owner: holder } }];
  },

  bridgeInitialized: async (t, d, tx) => {
    await applyBridgeConfig(t, {
      bridge: bridge(),
      slot: tx.slot,
      mint: { thbcMint: base58(d.thbcMint), clusterTag: hexOf(d.clusterTag) },
      admin: { admin: base58(d.admin), pendingAdmin: null },
      attestors: { attestorCount: d.attestorCount, threshold: d.threshold },
      limits: {
        maxPerDeposit: bigintOf(d.maxPerDeposit),
        maxPerDay: bigintOf(d.maxPerDay),
        withdrawalTimeoutSecs: numberOf(d.withdrawalTimeoutSecs),
      },
      paused: false,
    });
    return [{ channel: "bridge", payload: { ...at(tx), kind: "initialized" } }];
  },

  limitsSet: async (t, d, tx) => {
    await applyBridgeConfig(t, {
      bridge: bridge(),
      slot: tx.slot,
      limits: {
        maxPerDeposit: bigintOf(d.maxPerDeposit),
        maxPerDay: bigintOf(d.maxPerDay),
        withdrawalTimeoutSecs: numberOf(d.withdrawalTimeoutSecs),
      },
    });
    return [{ channel: "bridge", payload: { ...at(tx), kind: "limits" } }];
  },

  pausedSet: async (t, d, tx) => {
    await applyBridgeConfig(t, { bridge: bridge(), slot: tx.slot, paused: d.paused });
    return [{ channel: "bridge", payload: { ...at(tx), kind: d.paused ? "paused" : "unpaused" } }];
  },

  attestorsSet: async (t, d, tx) => {
    await applyBridgeConfig(t, {
      bridge: bridge(),
      slot: tx.slot,
      attestors: { attestorCount: d.attestorCount, threshold: d.threshold },
    });
    return [{ channel: "bridge", payload: { ...at(tx), kind: "attestors" } }];
  },

  adminTransferProposed: async (t, d, tx) => {
    const pending = base58(d.pendingAdmin);
    await applyBridgeConfig(t, {
      bridge: bridge(),
      slot: tx.slot,
      // The zero key cancels a proposal.
      admin: { admin: base58(d.admin), pendingAdmin: pending === DEFAULT_KEY ? null : pending },
    });
    return [{ channel: "bridge", payload: { ...at(tx), kind: "admin-proposed" } }];
  },

  adminTransferred: async (t, d, tx) => {
    await applyBridgeConfig(t, {
      bridge: bridge(),
      slot: tx.slot,
      admin: { admin: base58(d.admin), pendingAdmin: null },
    });
    return [{ channel: "bridge", payload: { ...at(tx), kind: "admin" } }];
  },
});
