/**
 * `npx tsx scripts/sbf-ensure-clang.ts` - make sure the pinned clang-16 is installed (apt-get
 * install clang-16, with apt-get update on failure) and print its version. build:programs and the
 * reproducibility test do the same on their own; this is for provisioning a machine up front.
 */
import { ensureClang } from "../programs/toolchain/clang";

try {
  console.log(ensureClang());
} catch (e) {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
}
