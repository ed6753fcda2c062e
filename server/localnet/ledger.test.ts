import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { Ledger, LedgerCorruptError, type RecordLocation } from "./ledger";
import { tempDir } from "./test-support";

async function reopen(dir: string, opts = {}): Promise<{ ledger: Ledger; records: { text: string; loc: RecordLocation }[] }> {
  const records: { text: string; loc: RecordLocation }[] = [];
  const ledger = await Ledger.open(dir, (payload, loc) => records.push({ text: payload.toString("utf8"), loc }), opts);
  return { ledger, records };
}

function appendAll(ledger: Ledger, texts: string[], firstSeq = 0) {
  return texts.map((t, i) => ledger.append(Buffer.from(t), firstSeq + i));
}

describe("ledger", () => {
  it("makes every append durable, in order, and reads them back after reopening", async () => {
    const dir = tempDir("ledger");
    const { ledger } = await reopen(dir);
    const texts = Array.from({ length: 500 }, (_, i) => JSON.stringify({ i, pad: "x".repeat(i % 50) }));
    const appended = appendAll(ledger, texts);
    await Promise.all(appended.map((a) => a.durable));
    expect((await ledger.read(appended[123]!.loc)).toString("utf8")).toBe(texts[123]);
    await ledger.close();
    const again = await reopen(dir);
    expect(again.records.map((r) => r.text)).toEqual(texts);
    expect(again.records.map((r) => r.loc)).toEqual(appended.map((a) => a.loc));
    await again.ledger.close();
  });

  it("resolves appends in the order they were made", async () => {
    const { ledger } = await reopen(tempDir("ledger-order"));
    const order: number[] = [];
    await Promise.all(appendAll(ledger, ["a", "b", "c", "d"]).map((a, i) => a.durable.then(() => order.push(i))));
    expect(order).toEqual([0, 1, 2, 3]);
    await ledger.close();
  });

  it("truncates a torn tail and keeps appending after it", async () => {
    for (const tail of [Buffer.from([5, 0]), Buffer.from([50, 0, 0, 0, 1, 2, 3, 4, 9]), Buffer.from([1, 0, 0, 0, 0, 0, 0, 0, 65])]) {
      const dir = tempDir("ledger-torn");
      const { ledger } = await reopen(dir);
      await Promise.all(appendAll(ledger, ["one", "two"]).map((a) => a.durable));
      await ledger.close();
      const seg = path.join(dir, fs.readdirSync(dir)[0]!);
      const goodSize = fs.statSync(seg).size;
      fs.appendFileSync(seg, tail);
      const again = await reopen(dir);
      expect(again.records.map((r) => r.text)).toEqual(["one", "two"]);
      expect(fs.statSync(seg).size).toBe(goodSize);
      await again.ledger.append(Buffer.from("three"), 2).durable;
      await again.ledger.close();
      expect((await reopen(dir)).records.map((r) => r.text)).toEqual(["one", "two", "three"]);
    }
  });

  it("rotates segments and reads across them", async () => {
    const dir = tempDir("ledger-rotate");
    const { ledger } = await reopen(dir, { maxSegmentBytes: 200 });
    const texts = Array.from({ length: 40 }, (_, i) => `record-${i}-${"y".repeat(20)}`);
    const appended = appendAll(ledger, texts);
    await Promise.all(appended.map((a) => a.durable));
    expect(new Set(appended.map((a) => a.loc.segment)).size).toBeGreaterThan(3);
    expect((await ledger.read(appended[39]!.loc)).toString()).toBe(texts[39]);
    await ledger.close();
    expect(fs.readdirSync(dir).length).toBeGreaterThan(3);
    expect((await reopen(dir, { maxSegmentBytes: 200 })).records.map((r) => r.text)).toEqual(texts);
  });

  it("refuses damage in the middle of the ledger instead of silently dropping records", async () => {
    const dir = tempDir("ledger-corrupt");
    const { ledger } = await reopen(dir, { maxSegmentBytes: 100 });
    await Promise.all(appendAll(ledger, Array.from({ length: 10 }, (_, i) => `r${i}-${"z".repeat(30)}`)).map((a) => a.durable));
    await ledger.close();
    const first = path.join(dir, fs.readdirSync(dir).sort()[0]!);
    const bytes = fs.readFileSync(first);
    bytes[10] = bytes[10]! ^ 0xff;
    fs.writeFileSync(first, bytes);
    await expect(reopen(dir)).rejects.toThrow(LedgerCorruptError);
  });
});
