/**
 * The committed programs/deploy/*.so files are exactly what the pinned clang-16 + our relinker
 * build from the committed sources: rebuild everything into a temp dir and compare every byte.
 * If clang-16 is missing it is installed (apt-get); the test never skips.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildablePrograms, buildAll, DEPLOY_DIR } from "./build";
import { ensureClang, PINNED_CLANG_VERSION } from "./clang";

const out = mkdtempSync(path.join(tmpdir(), "sbf-repro-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe("reproducible program builds", () => {
  it(`uses the pinned compiler (clang ${PINNED_CLANG_VERSION})`, () => {
    expect(ensureClang()).toContain(PINNED_CLANG_VERSION);
  }, 600_000);

  it("rebuilds every program byte-for-byte identical to the committed .so", async () => {
    const names = buildablePrograms();
    expect(names.length).toBeGreaterThan(0);
    const built = await buildAll({ outDir: out });
    expect(built.map((b) => b.name)).toEqual(names);
    for (const b of built) {
      const committed = path.join(DEPLOY_DIR, `${b.name}.so`);
      expect(
        existsSync(committed),
        `${committed} is not committed: run npm run build:programs`,
      ).toBe(true);
      const same = Buffer.from(readFileSync(committed)).equals(readFileSync(b.soPath));
      expect(
        same,
        `programs/deploy/${b.name}.so differs from a fresh build: run npm run build:programs`,
      ).toBe(true);
    }
  }, 600_000);

  it("has no stray .so without sources", () => {
    const committed = readdirSync(DEPLOY_DIR)
      .filter((f) => f.endsWith(".so"))
      .map((f) => f.slice(0, -3))
      .sort();
    expect(committed).toEqual(buildablePrograms());
  });
});
