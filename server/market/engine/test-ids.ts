/** Base58 ids for tests: `orderId(3)` and `ownerId(3)` are valid, distinct, and sort by n. */
const ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

function b58(n: number, width: number): string {
  let s = "";
  for (let i = 0; i < width; i++) {
    s = ALPHABET[n % 58]! + s;
    n = Math.floor(n / 58);
  }
  return s;
}

export const orderId = (n: number) => `ord${"1".repeat(25)}${b58(n, 4)}`;
export const ownerId = (n: number) => `own${"1".repeat(25)}${b58(n, 4)}`;
