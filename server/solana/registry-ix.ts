/**
 * Registry / Energy Token addresses and the poller's instructions for server code: the program's
 * own client module, re-exported under the name server code already uses.
 */
export {
  ENERGY_TOKEN_ID,
  REGISTRY_ID,
  gridAccountAddress,
  gridMintAddress,
  meterAddress,
  mintAuthorityAddress,
  registryAddress,
  settleBalanceInstruction,
  submitReadingInstructions,
  tokenConfigAddress,
  userAddress,
} from "~/programs/registry/client";
