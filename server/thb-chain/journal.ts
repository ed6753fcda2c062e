/**
 * The THB chain's append-only journal: one record per line, `<crc32 hex8> <JSON>\n`, in segments
 * `journal/<first seq, 16 digits>.log`. Appends are group-committed (server/durable): everything
 * queued in one turn of the event loop is written with one writev and one fdatasync, then
 * `onDurable(seq)` runs (the chain applies the records to the state it serves), then every waiter
 * resolves in order. So a caller that awaits an append knows its record, and every earlier one, is
 * on disk.
 *
 * Opening reads every line in order. In the last segment the first line that is incomplete (no
 * newline) or fails its checksum ends the journal: it is a torn write from a crash, never
 * acknowledged, and is cut off. A bad line in an earlier segment is corruption and stops the open.
 */
import fs from "node:fs";
import path from "node:path";
import { crc32 } from "node:zlib";
import { GroupCommitWriter, fsyncDirSync } from "~/server/durable/group-commit";

export class JournalCorruptError extends Error {
  override readonly name = "JournalCorruptError";
}

const SEGMENT = /^(\d{16})\.log$/;
export const segmentName = (firstSeq: number) => `${String(firstSeq).padStart(16, "0")}.log`;

export function encodeLine(record: unknown): Buffer {
  const json = Buffer.from(JSON.stringify(record), "utf8");
  return Buffer.concat([Buffer.from(crc32(json).toString(16).padStart(8, "0") + " ", "ascii"), json, Buffer.from("\n")]);
}

/** A line's record, or undefined when it is not a whole, valid `<crc32> <JSON>` line. */
export function parseLine(line: Buffer): unknown {
  if (line.length < 10 || line[8] !== 0x20) return undefined;
  const hex = line.subarray(0, 8).toString("ascii");
  const json = line.subarray(9);
  if (!/^[0-9a-f]{8}$/.test(hex) || Number.parseInt(hex, 16) !== crc32(json)) return undefined;
  try {
    return JSON.parse(json.toString("utf8")) as unknown;
  } catch {
    return undefined;
  }
}

/** The segments in the dir, oldest first, with their first record's seq. */
export function listSegments(dir: string): { name: string; first: number }[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .map((f) => SEGMENT.exec(f))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ name: m[0], first: Number(m[1]) }))
    .sort((a, b) => a.first - b.first);
}

export class Journal {
  private constructor(
    readonly dir: string,
    private readonly writer: GroupCommitWriter,
    private readonly onDurable: (seq: number) => void,
  ) {}

  /**
   * Reads every record in order (calling `onRecord` synchronously), cuts a torn tail, and opens
   * the last segment for appending (or creates `firstSeq`'s when there is none).
   */
  static async open(
    dir: string,
    opts: { onRecord: (record: unknown) => void; onDurable: (seq: number) => void; firstSeq: number; log?: (m: string) => void },
  ): Promise<Journal> {
    fs.mkdirSync(dir, { recursive: true });
    const segments = listSegments(dir);
    for (let i = 0; i < segments.length; i++) {
      const { name } = segments[i]!;
      const isLast = i === segments.length - 1;
      const file = path.join(dir, name);
      const buf = fs.readFileSync(file);
      let pos = 0;
      while (pos < buf.length) {
        const nl = buf.indexOf(0x0a, pos);
        const bad = (why: string) => {
          if (!isLast) throw new JournalCorruptError(`journal segment ${name} is corrupt at byte ${pos}: ${why}`);
        };
        if (nl < 0) {
          bad("a line without its newline");
          break;
        }
        const record = parseLine(buf.subarray(pos, nl));
        if (record === undefined) {
          bad("not a valid journal line (checksum or JSON)");
          break;
        }
        opts.onRecord(record);
        pos = nl + 1;
      }
      if (isLast && pos < buf.length) {
        // A torn write can only be the tail: if a whole, valid line follows the bad one, the
        // journal is damaged in the middle and cutting it would lose acknowledged records.
        const rest = buf.subarray(pos);
        let at = rest.indexOf(0x0a);
        while (at >= 0) {
          const next = rest.indexOf(0x0a, at + 1);
          if (next < 0) break;
          if (parseLine(rest.subarray(at + 1, next)) !== undefined) {
            throw new JournalCorruptError(`journal segment ${name} is damaged at byte ${pos} with valid records after it`);
          }
          at = next;
        }
        opts.log?.(`journal: cut a torn tail of ${buf.length - pos} bytes from ${name} (a crash mid-write; never acknowledged)`);
        fs.truncateSync(file, pos);
        fsyncDirSync(dir);
      }
    }
    const last = segments[segments.length - 1];
    const writer = await GroupCommitWriter.open(path.join(dir, last ? last.name : segmentName(opts.firstSeq)));
    return new Journal(dir, writer, opts.onDurable);
  }

  /** Queues one record; resolves once it is fsync'd (and `onDurable` has seen it). */
  append(record: { seq: number }): Promise<void> {
    return this.writer.append(encodeLine(record), () => this.onDurable(record.seq));
  }

  /** Records appended after this call go to a new segment named after `nextSeq`. */
  rotate(nextSeq: number): void {
    this.writer.rotate(path.join(this.dir, segmentName(nextSeq)));
  }

  /** Resolves when everything appended so far is durable. */
  sync(): Promise<void> {
    return this.writer.sync();
  }

  get broken(): Error | null {
    return this.writer.broken;
  }

  close(): Promise<void> {
    return this.writer.close();
  }
}
