/**
 * Energy Token events: none is cached. A mint is recorded from the Registry's BalanceSettled in
 * the same transaction (it names the meter; GridMinted does not), and balances are read from the
 * token accounts themselves.
 */
import type { EnergyToken } from "~/programs/energy_token/idl/energy_token";
import { defineIndexer } from "~/server/chain/types";

export const energyTokenIndexer = defineIndexer<EnergyToken>({}, {});
