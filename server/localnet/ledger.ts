/**
 * Append-only, checksummed record log with group commit.
 *
 * Frame: u32 LE payload length, u32 LE crc32(payload), payload (UTF-8 JSON). Segments are
 * `ledger/<first-seq padded>.log`. Appends are group-committed (server/durable): one writer loop
 * writes everything queued with a single writev and one fdatasync, then resolves every waiter in
 * order, so a caller that awaits `durable` knows its record (and every earlier one) is on disk.
 *
 * A crash can leave a torn frame at the very end of the last segment; it was never
 * acknowledged (acknowledgement waits for the fsync), so opening truncates it.
 */
import fs from "node:fs";
import fsp from "node:fs/promises";
import path from "node:path";
import { crc32 } from "node:zlib";
import { GroupCommitWriter } from "~/server/durable/group-commit";

export interface RecordLocation {
  segment: string;
  offset: number;
  length: number;
}

const HEADER = 8;
const MAX_RECORD = 64 * 1024 * 1024;

export class LedgerCorruptError extends Error {
  override readonly name = "LedgerCorruptError";
}

export class Ledger {
  private size = 0;
  private closed = false;
  private segmentName: string;

  private constructor(
    readonly dir: string,
    private readonly writer: GroupCommitWriter,
    segmentName: string,
    size: number,
    private readonly maxSegmentBytes: number,
  ) {
    this.segmentName = segmentName;
    this.size = size;
  }

  /**
   * Reads every record in order (calling `onRecord` synchronously), truncates a torn tail and
   * opens the log for appending. `nextSeqHint` names a new segment when none exists yet.
   */
  static async open(
    dir: string,
    onRecord: (payload: Buffer, loc: RecordLocation) => void,
    opts: { maxSegmentBytes?: number } = {},
  ): Promise<Ledger> {
    fs.mkdirSync(dir, { recursive: true });
    const segments = fs
      .readdirSync(dir)
      .filter((f) => /^\d{16}\.log$/.test(f))
      .sort();
    let lastName = "0000000000000000.log";
    let lastSize = 0;
    for (let i = 0; i < segments.length; i++) {
      const name = segments[i]!;
      const isLast = i === segments.length - 1;
      const buf = fs.readFileSync(path.join(dir, name));
      let pos = 0;
      while (pos < buf.length) {
        const torn = (why: string) => {
          if (!isLast) throw new LedgerCorruptError(`ledger segment ${name} is corrupt at byte ${pos}: ${why}`);
        };
        if (pos + HEADER > buf.length) {
          torn("truncated header");
          break;
        }
        const len = buf.readUInt32LE(pos);
        const sum = buf.readUInt32LE(pos + 4);
        if (len > MAX_RECORD || pos + HEADER + len > buf.length) {
          torn("truncated record");
          break;
        }
        const payload = buf.subarray(pos + HEADER, pos + HEADER + len);
        if (crc32(payload) !== sum) {
          torn("checksum mismatch");
          break;
        }
        onRecord(payload, { segment: name, offset: pos + HEADER, length: len });
        pos += HEADER + len;
      }
      if (isLast) {
        if (pos < buf.length) {
          // Torn tail from a crash mid-write: never acknowledged, safe to drop.
          fs.truncateSync(path.join(dir, name), pos);
        }
        lastName = name;
        lastSize = pos;
      }
    }
    const writer = await GroupCommitWriter.open(path.join(dir, lastName));
    return new Ledger(dir, writer, lastName, lastSize, opts.maxSegmentBytes ?? 64 * 1024 * 1024);
  }

  get currentSegment(): string {
    return this.segmentName;
  }

  /**
   * Queues one record. `loc` is where it will live; `durable` resolves once it is fsync'd.
   * `seq` names the next segment if this append starts one.
   */
  append(payload: Buffer, seq: number): { loc: RecordLocation; durable: Promise<void> } {
    if (this.writer.broken) throw this.writer.broken;
    if (this.closed) throw new Error("ledger is closed");
    if (this.size > 0 && this.size + HEADER + payload.length > this.maxSegmentBytes) {
      this.rotate(seq);
    }
    const frame = Buffer.allocUnsafe(HEADER + payload.length);
    frame.writeUInt32LE(payload.length, 0);
    frame.writeUInt32LE(crc32(payload), 4);
    payload.copy(frame, HEADER);
    const loc = { segment: this.segmentName, offset: this.size + HEADER, length: payload.length };
    this.size += frame.length;
    return { loc, durable: this.writer.append(frame) };
  }

  private rotate(seq: number): void {
    const name = `${String(seq).padStart(16, "0")}.log`;
    this.writer.rotate(path.join(this.dir, name));
    this.segmentName = name;
    this.size = 0;
  }

  /** Resolves when every record appended so far is durable. */
  sync(): Promise<void> {
    return this.writer.sync();
  }

  async read(loc: RecordLocation): Promise<Buffer> {
    const fh = await fsp.open(path.join(this.dir, loc.segment), "r");
    try {
      const buf = Buffer.allocUnsafe(loc.length);
      await fh.read(buf, 0, loc.length, loc.offset);
      return buf;
    } finally {
      await fh.close();
    }
  }

  get broken(): Error | null {
    return this.writer.broken;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.writer.close();
  }
}
