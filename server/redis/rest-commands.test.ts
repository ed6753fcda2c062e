/** The REST endpoint's command layer on its own: parsing, refusals, script rewriting, encoding. */
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  RestRequestError,
  ScriptShaMap,
  encodeReply,
  isBlocking,
  normalizeScript,
  parseCommand,
  parseCommandList,
  refusalReason,
  translateCommand,
} from "./rest-commands";

const sha1 = (s: string) => createHash("sha1").update(s).digest("hex");

describe("parseCommand", () => {
  it("turns numbers and booleans into strings", () => {
    expect(parseCommand(["SET", "k", 1.5, true])).toEqual(["SET", "k", "1.5", "true"]);
  });

  it("refuses what is not a command, naming the bad element", () => {
    const bad: unknown[] = [
      [],
      "GET",
      { 0: "GET" },
      ["GET", null],
      ["GET", ["x"]],
      [""],
      [" GET"],
      [NaN],
    ];
    for (const b of bad) {
      expect(() => parseCommand(b), JSON.stringify(b)).toThrow(RestRequestError);
    }
    expect(() => parseCommand(["GET", {}])).toThrow(/body\[1\] must be a string or a number/);
  });

  it("lists are capped", () => {
    expect(() => parseCommandList([["PING"], ["PING"]], 1)).toThrow(/at most 1/);
    expect(() => parseCommandList([["PING"], "PING"], 5)).toThrow(/body\[1\]/);
  });
});

describe("refusals and blocking", () => {
  it("refuses connection-state commands, allows the rest", () => {
    expect(refusalReason(["psubscribe", "x"])).toMatch(/psubscribe\/<pattern>/);
    expect(refusalReason(["WATCH", "k"])).toMatch(/multi-exec/);
    expect(refusalReason(["CLIENT", "REPLY", "OFF"])).toMatch(/client reply/);
    expect(refusalReason(["CLIENT", "LIST"])).toBeNull();
    expect(refusalReason(["GET", "k"])).toBeNull();
  });

  it("spots blocking commands", () => {
    expect(isBlocking(["BLPOP", "k", "0"])).toBe(true);
    expect(isBlocking(["XREAD", "BLOCK", "0", "STREAMS", "s", "$"])).toBe(true);
    expect(isBlocking(["XREAD", "STREAMS", "s", "0"])).toBe(false);
    expect(isBlocking(["LPOP", "k"])).toBe(false);
  });
});

describe("scripts", () => {
  it("drops shebang flags stock Redis does not know, keeping known ones", () => {
    expect(normalizeScript("#!lua flags=allow-key-locking\nreturn 1")).toBe(
      "-- #!lua flags=allow-key-locking\nreturn 1",
    );
    expect(normalizeScript("#!lua flags=no-writes,allow-key-locking\nreturn 1")).toBe(
      "#!lua flags=no-writes\nreturn 1",
    );
    expect(normalizeScript("#!lua flags=no-writes\nreturn 1")).toBe(
      "#!lua flags=no-writes\nreturn 1",
    );
    expect(normalizeScript("return 1")).toBe("return 1");
  });

  it("maps the client's SHA1 to the stored script's for EVALSHA and SCRIPT EXISTS", () => {
    const shas = new ScriptShaMap();
    const script = "#!lua flags=allow-key-locking\nreturn 1";
    const fixed = translateCommand(["EVAL", script, "0"], shas);
    expect(fixed.cmd[1]).toBe(`-- ${script}`);
    expect(translateCommand(["EVALSHA", sha1(script), "0"], shas).cmd[1]).toBe(
      sha1(`-- ${script}`),
    );
    expect(translateCommand(["script", "exists", sha1(script)], shas).cmd[2]).toBe(
      sha1(`-- ${script}`),
    );
    const load = translateCommand(["SCRIPT", "LOAD", script], shas);
    expect(load.restoreReply?.(Buffer.from(sha1(`-- ${script}`)))).toBe(sha1(script));
    expect(translateCommand(["EVALSHA", "abc", "0"], shas).cmd[1]).toBe("abc");
  });

  it("forgets the oldest mapping when full", () => {
    const shas = new ScriptShaMap(2);
    shas.remember("a", "A");
    shas.remember("b", "B");
    shas.remember("c", "C");
    expect([shas.resolve("a"), shas.resolve("b"), shas.resolve("c")]).toEqual(["a", "B", "C"]);
  });
});

describe("encodeReply", () => {
  it("base64-encodes strings at any depth and leaves numbers and null", () => {
    const reply = [Buffer.from("a"), 1, null, [Buffer.from("é"), [Buffer.from("x")]]];
    expect(encodeReply(reply, true)).toEqual(["YQ==", 1, null, ["w6k=", ["eA=="]]]);
    expect(encodeReply(reply, false)).toEqual(["a", 1, null, ["é", ["x"]]]);
    expect(encodeReply(undefined, true)).toBeNull();
  });
});
