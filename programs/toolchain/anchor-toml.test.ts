/**
 * Anchor.toml, the committed program keypairs and the IDL addresses agree.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { Keypair } from "@solana/web3.js";
import { describe, expect, it } from "vitest";
import { AnchorTomlError, parseToml, readAnchorToml, REPO_ROOT } from "./anchor-toml";
import { buildablePrograms } from "./build";
import { loadIdl } from "./idl-gen";

describe("Anchor.toml", () => {
  const cfg = readAnchorToml();

  it("has localnet and devnet ids, a provider and scripts", () => {
    expect(Object.keys(cfg.programs).sort()).toEqual(["devnet", "localnet"]);
    expect(cfg.provider.cluster).toBe("localnet");
    expect(cfg.provider.wallet).toMatch(/id\.json$/);
    expect(cfg.scripts.build).toBe("npm run build:programs");
  });

  for (const name of buildablePrograms()) {
    it(`${name}: Anchor.toml id = keypair public key = IDL address (localnet and devnet)`, () => {
      const secret = JSON.parse(
        readFileSync(path.join(REPO_ROOT, "programs", "keys", `${name}-keypair.json`), "utf8"),
      ) as number[];
      const kp = Keypair.fromSecretKey(Uint8Array.from(secret));
      expect(cfg.programs.localnet?.[name]?.toBase58()).toBe(kp.publicKey.toBase58());
      expect(cfg.programs.devnet?.[name]?.toBase58()).toBe(kp.publicKey.toBase58());
      expect(loadIdl(name).address).toBe(kp.publicKey.toBase58());
    });
  }

  it("the parser reads tables, strings, numbers, booleans and comments, and refuses what it cannot read", () => {
    const t = parseToml('# c\ntop = 1\n[a.b]\nx = "y" # trailing\nflag = true\n"quoted" = 2.5\n');
    expect(t).toEqual({ "": { top: 1 }, "a.b": { x: "y", flag: true, quoted: 2.5 } });
    expect(() => parseToml("[a]\nx = [1, 2]\n")).toThrow(AnchorTomlError);
    expect(() => parseToml("just words\n")).toThrow(/cannot parse/);
  });
});
