import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { discoverPrograms } from "./programs";
import { tempDir } from "./test-support";

const dir = tempDir("programs");
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("discoverPrograms", () => {
  it("deploys each .so with a [programs.localnet] id and names what it skips", () => {
    const toml = path.join(dir, "Anchor.toml");
    fs.writeFileSync(
      toml,
      [
        "[programs.localnet]",
        'counter = "6cbAEjAxr8v2pKr7DKSRGHs7LpqDNqH1h3LF1MeXrwn" # comment',
        'broken = "not-an-address"',
        'missing = "BUNF4KTwfH5y9yskNxWiRR3BCWYEQT3ZTgGJC6PVbeAw"',
        "[programs.devnet]",
        'extra = "5oXYTxzbJY5NrdHJbn1Gszkc32WTyK7mVQt1AZPym2CP"',
        "",
      ].join("\n"),
    );
    const deploy = path.join(dir, "deploy");
    fs.mkdirSync(deploy);
    for (const n of ["counter", "broken", "extra"]) fs.writeFileSync(path.join(deploy, `${n}.so`), "");
    expect(discoverPrograms(toml, deploy)).toEqual({
      programs: [{ name: "counter", programId: "6cbAEjAxr8v2pKr7DKSRGHs7LpqDNqH1h3LF1MeXrwn", soPath: path.join(deploy, "counter.so") }],
      skipped: ["broken (invalid program id not-an-address)", "missing (no missing.so)", "extra.so (no id in Anchor.toml)"],
    });
  });

  it("deploys nothing without Anchor.toml or a deploy folder", () => {
    expect(discoverPrograms(path.join(dir, "none.toml"), path.join(dir, "none"))).toEqual({ programs: [], skipped: [] });
  });
});
