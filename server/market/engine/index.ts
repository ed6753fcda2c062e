/** The matching engine (no I/O): see README.md. */
export { MatchingEngine } from "./engine";
export { EngineError, ENGINE_ERROR_CODES, type EngineErrorCode } from "./errors";
export { canonicalText, stateHash, HASH_VERSION } from "./hash";
export { earlier, fillCost, fillFee, greenCompatible, makerSide, MAX_FILLS_PER_TRANSACTION, WH_PER_KWH } from "./rules";
export type {
  BookSnapshot,
  EngineOptions,
  LevelView,
  OrderInput,
  OrderView,
  ProposedFill,
  ProposeOptions,
  Side,
} from "./types";
