/**
 * @coral-xyz/anchor for every runtime we have. Node's ESM loader sees its CommonJS build, where
 * only `default` (module.exports) is complete (named imports such as BN fail); Next's bundler
 * takes its ESM build, which has no default export at all. The namespace import works in both:
 * take `default` when there is one, else the namespace itself.
 */
import * as ns from "@coral-xyz/anchor";

type Anchor = typeof ns;
const maybeDefault = (ns as unknown as { default?: Anchor }).default;

export const anchor: Anchor = maybeDefault && typeof maybeDefault.AnchorProvider === "function" ? maybeDefault : ns;
export type { Program } from "@coral-xyz/anchor";
