/**
 * The build-time PDA constants the C programs compare fixed-seed accounts with
 * (programs/registry/src/pdas.h, programs/energy_token/src/pdas.h) are current, and equal what
 * web3.js derives and what the client helpers use.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { PublicKey } from "@solana/web3.js";
import { describe, expect, it } from "vitest";
import { gridMintAddress, mintAuthorityAddress, registryAddress, tokenConfigAddress } from "./client";
import { GRID_MINT_PDA, MINT_AUTHORITY_PDA, pdaHeaders, REGISTRY_PDA, TOKEN_CONFIG_PDA } from "./pdas";

const root = path.resolve(import.meta.dirname, "..", "..");

describe("fixed-seed PDA headers", () => {
  it.each(pdaHeaders().map((h) => [h.path, h.content]))("%s is up to date (npm run pdas:gen)", (file, content) => {
    expect(readFileSync(path.join(root, file), "utf8")).toBe(content);
  });

  it("each constant is the canonical PDA of its seed, as the client derives it", () => {
    for (const [p, client] of [
      [REGISTRY_PDA, registryAddress()],
      [TOKEN_CONFIG_PDA, tokenConfigAddress()],
      [GRID_MINT_PDA, gridMintAddress()],
      [MINT_AUTHORITY_PDA, mintAuthorityAddress()],
    ] as const) {
      const [addr, bump] = PublicKey.findProgramAddressSync([Buffer.from(p.seed)], p.programId);
      expect(p.address.equals(addr)).toBe(true);
      expect(p.bump).toBe(bump);
      expect(client.equals(addr)).toBe(true);
      const header = pdaHeaders().map((h) => h.content).join("\n");
      expect(header).toContain(`#define ${p.macro}_BYTES {${[...addr.toBytes()].join(", ")}}`);
      expect(header).toContain(`#define ${p.macro}_BUMP ${bump}`);
    }
  });
});
