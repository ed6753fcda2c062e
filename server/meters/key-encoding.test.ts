import crypto from "node:crypto";
import bs58 from "bs58";
import { describe, expect, it } from "vitest";
import { decodeBinary } from "./key-encoding";

describe("decodeBinary", () => {
  it("reads the same bytes from base58, hex (either case) and padded base64", () => {
    for (const n of [32, 64]) {
      for (let k = 0; k < 50; k++) {
        const bytes = crypto.randomBytes(n);
        // Leading zero bytes are where base58 gets subtle ("1" per zero byte).
        if (k < 5) bytes.fill(0, 0, k + 1);
        const hex = bytes.toString("hex");
        for (const text of [bs58.encode(bytes), hex, hex.toUpperCase(), bytes.toString("base64")]) {
          expect(Buffer.from(decodeBinary(text, n)!).equals(bytes)).toBe(true);
        }
      }
    }
  });

  it("refuses wrong lengths, foreign alphabets and non-canonical base64", () => {
    // A fixed key whose base64 forms hold "+", "/", "-" and "_": with a random key, an unpadded
    // base64(url) string is sometimes also valid 32-byte base58, which this test must not be.
    const key = Buffer.alloc(32, 0xfb);
    const refused = [
      "",
      bs58.encode(crypto.randomBytes(31)),
      bs58.encode(crypto.randomBytes(33)),
      key.toString("hex").slice(2),
      key.toString("hex") + "00",
      key.toString("base64").replace(/=$/, ""), // unpadded
      key.toString("base64url"),
      "0".repeat(44), // "0" is not base58
      "O".repeat(44),
      "A".repeat(42) + "B=", // stray bits in the padding
      "==" + key.toString("base64").slice(2),
      " " + bs58.encode(key),
      bs58.encode(key) + "\n",
    ];
    for (const text of refused) expect(decodeBinary(text, 32), JSON.stringify(text)).toBeNull();
    expect(decodeBinary("g".repeat(128), 64)).toBeNull();
  });
});
