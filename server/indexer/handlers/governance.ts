/**
 * Governance events → the certificate and voting mirrors (in progress: nothing is stored yet).
 */
import type { Governance } from "~/programs/governance/idl/governance";
import { defineIndexer, type LiveChannelSpecs } from "~/server/chain/types";

export const governanceChannels = {} as const satisfies LiveChannelSpecs;

export const governanceIndexer = defineIndexer<Governance, typeof governanceChannels>(governanceChannels, {});
