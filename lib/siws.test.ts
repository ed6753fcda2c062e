import { describe, expect, it } from "vitest";
import { buildSiwsMessage, isBase58OfLength, parseSiwsMessage, SIWS_STATEMENT } from "./siws";

const fields = {
  domain: "localhost:3000",
  address: "9xQeWvG816bUx9EPjHmaT23yvVM2ZWbrrpZb9PusVFin",
  statement: SIWS_STATEMENT,
  uri: "http://localhost:3000",
  chainId: "localnet",
  nonce: "3J98t1WpEZ73CNmQviecrn",
  issuedAt: new Date("2025-01-31T12:00:00.000Z"),
  expirationTime: new Date("2025-01-31T12:05:00.000Z"),
  genesisHash: "5eykt4UsFv8P8NJdTREpY1vzqKqZKvdpKuc147dw2N9d",
};

describe("SIWS message format", () => {
  it("builds the documented text exactly", () => {
    expect(buildSiwsMessage(fields)).toBe(
      [
        "localhost:3000 wants you to sign in with your Solana account:",
        "9xQeWvG816bUx9EPjHmaT23yvVM2ZWbrrpZb9PusVFin",
        "",
        SIWS_STATEMENT,
        "",
        "URI: http://localhost:3000",
        "Version: 1",
        "Chain ID: localnet",
        "Nonce: 3J98t1WpEZ73CNmQviecrn",
        "Issued At: 2025-01-31T12:00:00.000Z",
        "Expiration Time: 2025-01-31T12:05:00.000Z",
        "Genesis Hash: 5eykt4UsFv8P8NJdTREpY1vzqKqZKvdpKuc147dw2N9d",
      ].join("\n"),
    );
  });

  it("parses what it builds", () => {
    const parsed = parseSiwsMessage(buildSiwsMessage(fields));
    expect(parsed).toEqual({ ok: true, fields: { ...fields, version: "1" } });
  });

  it.each([
    ["a trailing newline", (m: string) => `${m}\n`],
    ["CRLF line ends", (m: string) => m.replaceAll("\n", "\r\n")],
    ["an extra space", (m: string) => m.replace("Nonce: ", "Nonce:  ")],
    ["fields out of order", (m: string) => m.replace(/(Version: 1)\n(Chain ID: localnet)/, "$2\n$1")],
    ["a missing field", (m: string) => m.replace("\nVersion: 1", "")],
    ["another version", (m: string) => m.replace("Version: 1", "Version: 2")],
    ["a URI for another host", (m: string) => m.replace("URI: http://localhost:3000", "URI: http://evil.example")],
    ["an address that is not 32 bytes", (m: string) => m.replace("9xQeWvG816bUx9EPjHmaT23yvVM2ZWbrrpZb9PusVFin", "9xQeWvG816")],
    ["a short nonce", (m: string) => m.replace("3J98t1WpEZ73CNmQviecrn", "abc")],
    ["an impossible date", (m: string) => m.replace("2025-01-31T12:05", "2025-02-31T12:05")],
    ["a non-ISO date", (m: string) => m.replace("2025-01-31T12:00:00.000Z", "Jan 31 2025")],
    ["expiry before issue", (m: string) => m.replace("12:05:00.000Z", "11:59:00.000Z")],
    ["a bad genesis hash", (m: string) => m.replace("Genesis Hash: 5ey", "Genesis Hash: 0ey")],
    ["a control character in the statement", (m: string) => m.replace("Sign in", "Sign\u0007in")],
  ])("rejects %s", (_label, mutate) => {
    const result = parseSiwsMessage(mutate(buildSiwsMessage(fields)));
    expect(result.ok).toBe(false);
  });

  it("checks base58 lengths", () => {
    expect(isBase58OfLength(fields.address, 32)).toBe(true);
    expect(isBase58OfLength(fields.address, 64)).toBe(false);
    expect(isBase58OfLength("0OIl", 3)).toBe(false);
    expect(isBase58OfLength("", 0)).toBe(false);
  });
});
