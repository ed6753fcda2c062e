/**
 * The program list agrees with the rest of the repository: ids with the IDLs and Anchor.toml,
 * handler names with the IDL events, and each live channel belongs to one program.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { programIds } from "~/programs/toolchain/anchor-toml";
import { CHAIN_PROGRAMS, LIVE_CHANNELS, chainProgramEntries } from "./programs";

const camel = (s: string) => s[0]!.toLowerCase() + s.slice(1);

describe("the program list", () => {
  it("names every program once, at the id of its IDL and of Anchor.toml", () => {
    const ids = programIds();
    const names = chainProgramEntries().map(([, e]) => e.name);
    expect(new Set(names).size).toBe(names.length);
    for (const [, e] of chainProgramEntries()) {
      expect(e.id.toBase58()).toBe(e.idl.address);
      expect(ids[e.name]?.toBase58()).toBe(e.idl.address);
      expect(e.idl.metadata.name).toBe(e.name);
    }
  });

  it("has a handler only for events its program's IDL declares", () => {
    for (const [, e] of chainProgramEntries()) {
      const raw = JSON.parse(
        readFileSync(path.join("programs", e.name, "idl", `${e.name}.json`), "utf8"),
      ) as { events?: { name: string }[] };
      const events = new Set((raw.events ?? []).map((ev) => camel(ev.name)));
      for (const name of Object.keys(e.indexer.handlers)) expect(events).toContain(name);
    }
  });

  it("gives each live channel to exactly one program", () => {
    const all = chainProgramEntries().flatMap(([, e]) => Object.keys(e.indexer.channels));
    expect(new Set(all).size).toBe(all.length);
    expect([...LIVE_CHANNELS].sort()).toEqual([
      "bridge",
      "deposits",
      "market",
      "meters",
      "mints",
      "order-funds",
      "orders",
      "prices",
      "readings",
      "trades",
      "users",
      "withdrawals",
    ]);
    expect(Object.keys(CHAIN_PROGRAMS)).toEqual([
      "registry",
      "energyToken",
      "oracle",
      "thbBridge",
      "trading",
      "governance",
      "counter",
    ]);
  });
});
