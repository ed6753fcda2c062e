/**
 * Persistence in one process: a clean restart, the files a crash leaves (copied while the chain
 * runs), snapshots with journal compaction, a torn last line, damage, and the data-dir lock.
 */
import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ThbChain } from "./chain";
import { UNITS_PER_THB } from "./encoding";
import { JournalCorruptError, listSegments } from "./journal";
import type { ThbKeypair } from "./keys";
import { crashCopy, keys, openTestChain, signed, tempDir } from "./test-support";

function flipBit(buf: Buffer, at: number): void {
  buf.writeUInt8(buf.readUInt8(at) ^ 0x01, at);
}

const THB = UNITS_PER_THB;
const open: ThbChain[] = [];
afterEach(async () => {
  for (const c of open.splice(0)) await c.close();
});
async function openAt(dataDir: string, opts: Parameters<typeof ThbChain.open>[0] = {}) {
  const c = await ThbChain.open({ dataDir, blockMs: 0, log: () => undefined, testKnobs: true, ...opts });
  open.push(c);
  return c;
}

/** Some history: funds, transfers, blocks, a reorg, and transfers left in the mempool. */
async function history(c: ThbChain) {
  const [a, b, d] = keys(3);
  await c.fund(a!.address, 100n * THB);
  await c.produceBlock();
  for (let n = 0; n < 5; n++) await c.submitTransfer(signed(a!, c.chainId, b!.address, BigInt(n + 1) * THB, n, `n${n}`));
  await c.produceBlock();
  await c.submitTransfer(signed(b!, c.chainId, d!.address, THB, 0));
  await c.produceBlock();
  await c.reorg(1);
  await c.submitTransfer(signed(a!, c.chainId, d!.address, 2n * THB, 5));
  await c.produceBlock();
  await c.submitTransfer(signed(a!, c.chainId, d!.address, 3n * THB, 6, "left in the mempool"));
  return { a: a!, b: b!, d: d! };
}

describe("persistence", () => {
  it("survives a clean restart with the same state, chain id and nonces", async () => {
    const dir = tempDir("restart");
    const c1 = await openAt(dir);
    const { a, d } = await history(c1);
    const digest = c1.digest();
    const chainId = c1.chainId;
    await c1.close();
    open.pop();
    const c2 = await openAt(dir);
    expect(c2.chainId).toBe(chainId);
    expect(c2.digest()).toBe(digest);
    expect(c2.recovery).toMatchObject({ created: false, replayed: 0 });
    expect(c2.account(a.address).nonce).toBe(7);
    await c2.submitTransfer(signed(a, c2.chainId, d.address, 1n, 7));
    await c2.produceBlock();
    expect(c2.tip().mempool).toBe(0);
  });

  it("recovers what a crash leaves on disk: every acknowledged record, by replaying the journal", async () => {
    const c1 = await openTestChain({ testKnobs: true });
    open.push(c1);
    await history(c1);
    // What is on disk right now is what kill -9 would leave: every awaited call is fsync'd.
    const copy = crashCopy(c1.dataDir);
    const c2 = await openAt(copy);
    expect(c2.recovery.replayed).toBeGreaterThan(10);
    expect(c2.recovery.snapshotSeq).toBe(0);
    expect(c2.digest()).toBe(c1.digest());
  });

  it("snapshots atomically, compacts the journal, and replays only what follows", async () => {
    const c1 = await openTestChain({ testKnobs: true, snapshotEvery: 1_000_000 });
    open.push(c1);
    const { a, d } = await history(c1);
    await c1.snapshot();
    const journalDir = path.join(c1.dataDir, "journal");
    expect(listSegments(journalDir)).toHaveLength(1);
    expect(fs.readFileSync(path.join(journalDir, listSegments(journalDir)[0]!.name)).length).toBe(0);
    expect(fs.existsSync(path.join(c1.dataDir, "snapshot.json.tmp"))).toBe(false);
    await c1.produceBlock();
    await c1.submitTransfer(signed(a, c1.chainId, d.address, 1n, 7));
    const c2 = await openAt(crashCopy(c1.dataDir));
    expect(c2.recovery.snapshotSeq).toBeGreaterThan(0);
    expect(c2.recovery.replayed).toBe(2);
    expect(c2.digest()).toBe(c1.digest());
  });

  it("snapshots on its own every N records, and a crash at any point after still recovers", async () => {
    const c1 = await openTestChain({ snapshotEvery: 7 });
    open.push(c1);
    const [a, b] = keys(2) as [ThbKeypair, ThbKeypair];
    await c1.fund(a.address, 1000n);
    const copies: { dir: string; digest: string }[] = [];
    for (let n = 0; n < 30; n++) {
      await c1.submitTransfer(signed(a, c1.chainId, b.address, 1n, n));
      if (n % 3 === 0) await c1.produceBlock();
      copies.push({ dir: crashCopy(c1.dataDir), digest: c1.digest() });
    }
    expect(fs.existsSync(path.join(c1.dataDir, "snapshot.json"))).toBe(true);
    for (const { dir, digest } of copies) {
      const c = await openAt(dir);
      expect(c.digest()).toBe(digest);
      await c.close();
      open.pop();
    }
  });

  it("ignores a torn last line (a crash mid-write) and appends cleanly after it", async () => {
    const c1 = await openTestChain({ testKnobs: true });
    open.push(c1);
    const { a, d } = await history(c1);
    const digest = c1.digest();
    for (const tail of ['3f2a11c0 {"seq":99,"t":"fu', "deadbeef", '00000000 {"seq":99,"t":"fund","to":"x","amount":"1"}\n', "\0\0\0\0\0\0"]) {
      const dir = crashCopy(c1.dataDir);
      const seg = path.join(dir, "journal", listSegments(path.join(dir, "journal")).at(-1)!.name);
      const size = fs.statSync(seg).size;
      fs.appendFileSync(seg, tail);
      const c2 = await openAt(dir);
      expect(c2.digest()).toBe(digest);
      expect(fs.statSync(seg).size).toBe(size);
      await c2.submitTransfer(signed(a, c2.chainId, d.address, 1n, 7));
      await c2.produceBlock();
      const after = c2.digest();
      const again = await openAt(crashCopy(dir));
      expect(again.digest()).toBe(after);
    }
  });

  it("refuses to start on damage that is not a torn tail, and on a damaged snapshot", async () => {
    const c1 = await openTestChain({ testKnobs: true });
    open.push(c1);
    await history(c1);
    const dir = crashCopy(c1.dataDir);
    const seg = path.join(dir, "journal", listSegments(path.join(dir, "journal"))[0]!.name);
    const buf = fs.readFileSync(seg);
    const lineStart = buf.indexOf(0x0a, 100) + 1;
    flipBit(buf, lineStart + 20); // a bit flip in a record with valid records after it
    fs.writeFileSync(seg, buf);
    await expect(openAt(dir)).rejects.toBeInstanceOf(JournalCorruptError);
    expect(fs.existsSync(path.join(dir, "LOCK"))).toBe(false);

    await c1.snapshot();
    const snapDir = crashCopy(c1.dataDir);
    const snap = path.join(snapDir, "snapshot.json");
    const s = fs.readFileSync(snap);
    flipBit(s, s.length - 10);
    fs.writeFileSync(snap, s);
    await expect(openAt(snapDir)).rejects.toThrow(/damaged/);
  });

  it("keeps a second chain off a data dir in use, and takes over one a dead process left", async () => {
    const c1 = await openTestChain();
    open.push(c1);
    await expect(ThbChain.open({ dataDir: c1.dataDir, blockMs: 0, log: () => undefined })).rejects.toThrow(/in use/);
    const dir = crashCopy(c1.dataDir);
    fs.writeFileSync(path.join(dir, "LOCK"), "999999999"); // no such process
    const c2 = await openAt(dir);
    expect(c2.chainId).toBe(c1.chainId);
  });
});
