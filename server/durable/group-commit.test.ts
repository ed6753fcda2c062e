import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { GroupCommitWriter, writeFileAtomic } from "./group-commit";

const dirs: string[] = [];
function tempDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), "gtx-durable-"));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe("GroupCommitWriter", () => {
  it("writes chunks in order; each one's onDurable runs before its promise resolves, in order", async () => {
    const dir = tempDir();
    const file = path.join(dir, "a.log");
    const w = await GroupCommitWriter.open(file);
    const events: string[] = [];
    await Promise.all(
      ["one ", "two ", "three"].map((t, i) =>
        w.append(Buffer.from(t), () => events.push(`durable ${i}`)).then(() => events.push(`resolved ${i}`)),
      ),
    );
    expect(fs.readFileSync(file, "utf8")).toBe("one two three");
    expect(events.slice(0, 3)).toEqual(["durable 0", "durable 1", "durable 2"]);
    expect(events.slice(3)).toEqual(["resolved 0", "resolved 1", "resolved 2"]);
    await w.close();
    await expect(w.append(Buffer.from("late"))).rejects.toThrow(/closed/);
  });

  it("appends to what the file held; a rotation sends later chunks to the new file only", async () => {
    const dir = tempDir();
    const first = path.join(dir, "1.log");
    fs.writeFileSync(first, "kept ");
    const w = await GroupCommitWriter.open(first);
    const a = w.append(Buffer.from("a"));
    w.rotate(path.join(dir, "2.log"));
    const b = w.append(Buffer.from("b"));
    await Promise.all([a, b]);
    await w.sync();
    expect(fs.readFileSync(first, "utf8")).toBe("kept a");
    expect(fs.readFileSync(path.join(dir, "2.log"), "utf8")).toBe("b");
    await w.close();
  });

  it("a failed write rejects it and everything after, and refuses later appends", async () => {
    const dir = tempDir();
    const w = await GroupCommitWriter.open(path.join(dir, "1.log"));
    await w.append(Buffer.from("ok"));
    w.rotate(path.join(dir, "no-such-dir", "2.log")); // opening it fails
    const lost = w.append(Buffer.from("lost"));
    await expect(lost).rejects.toThrow(/ENOENT/);
    expect(w.broken).toBeInstanceOf(Error);
    await expect(w.append(Buffer.from("after"))).rejects.toThrow(/ENOENT/);
    expect(fs.readFileSync(path.join(dir, "1.log"), "utf8")).toBe("ok");
  });
});

describe("writeFileAtomic", () => {
  it("replaces the whole file and leaves no temporary file behind", async () => {
    const dir = tempDir();
    const file = path.join(dir, "state.json");
    await writeFileAtomic(file, "old");
    await writeFileAtomic(file, Buffer.from("new"));
    expect(fs.readFileSync(file, "utf8")).toBe("new");
    expect(fs.readdirSync(dir)).toEqual(["state.json"]);
  });
});
