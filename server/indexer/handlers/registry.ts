/**
 * Registry events → the users, meters and readings mirrors; settlements → mints. Each handler
 * runs inside the indexer's database transaction for the whole chain transaction.
 */
import {
  confirmChainReading,
  recordChainMint,
  setChainMeterStatus,
  setChainUserStatus,
  upsertChainMeter,
  upsertChainUser,
} from "~/db/queries/indexer";
import type { Registry } from "~/programs/registry/idl/registry";
import { type ChainTx, defineIndexer, type LiveChannelSpecs } from "~/server/chain/types";
import { base58, bigintOf, numberOf, utf8Of, variantOf } from "./decode";

const METER_TYPES: Record<string, "solar" | "wind" | "battery" | "consumption"> = {
  solar: "solar",
  wind: "wind",
  battery: "battery",
  grid: "consumption",
};

/** Who hears each channel, and which of the browser's queries a notice refreshes. */
export const registryChannels = {
  users: { audience: "owner-or-admin", stale: ["users", "admin"] },
  meters: { audience: "owner-or-admin", stale: ["meters", "admin"] },
  readings: { audience: "owner", stale: ["meters"] },
  mints: { audience: "owner", stale: ["wallet-balances", "meters"] },
} as const satisfies LiveChannelSpecs;

const at = (tx: ChainTx) => ({ signature: tx.signature, slot: tx.slot });

export const registryIndexer = defineIndexer<Registry, typeof registryChannels>(
  registryChannels,
  {
    userRegistered: async (t, d, tx) => {
      await upsertChainUser(t, {
        wallet: base58(d.wallet),
        pda: base58(d.user),
        name: utf8Of(d.name, d.nameLen),
        role: variantOf(d.userType) === "consumer" ? "consumer" : "prosumer",
      });
      return [
        {
          channel: "users",
          payload: { ...at(tx), kind: "registered", wallet: base58(d.wallet) },
        },
      ];
    },

    userStatusChanged: async (t, d, tx) => {
      const status = variantOf(d.newStatus);
      await setChainUserStatus(t, {
        wallet: base58(d.wallet),
        status: status === "suspended" ? "suspended" : "active",
      });
      return [
        { channel: "users", payload: { ...at(tx), kind: "status", wallet: base58(d.wallet), status } },
      ];
    },

    meterRegistered: async (t, d, tx) => {
      const meterId = utf8Of(d.meterId, d.meterIdLen);
      await upsertChainMeter(t, {
        meterId,
        pda: base58(d.meter),
        ownerWallet: base58(d.owner),
        publicKey: base58(d.meterPubkey),
        type: METER_TYPES[variantOf(d.meterType)] ?? "solar",
        zone: String(d.zoneId),
        ratedCapacityW: numberOf(d.ratedCapacityW),
        txSignature: tx.signature,
      });
      return [
        {
          channel: "meters",
          payload: { ...at(tx), kind: "registered", meterId, owner: base58(d.owner) },
        },
      ];
    },

    meterStatusChanged: async (t, d, tx) => {
      const status = variantOf(d.newStatus);
      await setChainMeterStatus(t, {
        pda: base58(d.meter),
        status: status === "active" ? "active" : status === "suspended" ? "suspended" : "pending",
        at: numberOf(d.at),
      });
      return [
        {
          channel: "meters",
          payload: {
            ...at(tx),
            kind: "status",
            meter: base58(d.meter),
            owner: base58(d.owner),
            status,
          },
        },
      ];
    },

    readingSubmitted: async (t, d, tx) => {
      await confirmChainReading(t, {
        meterPda: base58(d.meter),
        timestamp: numberOf(d.timestamp),
        txSignature: tx.signature,
      });
      return [
        {
          channel: "readings",
          payload: {
            ...at(tx),
            kind: "submitted",
            meter: base58(d.meter),
            owner: base58(d.owner),
            timestamp: numberOf(d.timestamp),
            productionWh: bigintOf(d.productionWh).toString(),
            consumptionWh: bigintOf(d.consumptionWh).toString(),
          },
        },
      ];
    },

    // The mint itself (energy_token's GridMinted) carries no meter: the settlement is the record.
    balanceSettled: async (t, d, tx) => {
      const { meterId } = await recordChainMint(t, {
        txSignature: tx.signature,
        meterPda: base58(d.meter),
        ownerWallet: base58(d.owner),
        destination: base58(d.destination),
        amountWh: bigintOf(d.amount),
        settledNetGenWh: bigintOf(d.settledNetGen),
        slot: tx.slot,
        mintedAt: tx.blockTime,
      });
      return [
        {
          channel: "mints",
          payload: {
            ...at(tx),
            meterId,
            meter: base58(d.meter),
            owner: base58(d.owner),
            amountWh: bigintOf(d.amount).toString(),
          },
        },
      ];
    },
  },
);
