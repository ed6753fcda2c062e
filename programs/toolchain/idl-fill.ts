/**
 * Fills in the discriminators of an IDL JSON text: every instruction, account and event gets
 * sha256("global:<ix>" | "account:<Name>" | "event:<Name>")[0..8], as Anchor computes them. The
 * edit is made in the text itself (the IDL is hand-written and prettier-formatted), so a file
 * whose discriminators are right comes back byte for byte and a fixed one differs only there.
 */
import { format } from "prettier";
import {
  accountDiscriminator,
  eventDiscriminator,
  instructionDiscriminator,
} from "./discriminator";
import { IdlError } from "./idl";

/** A parsed JSON value with its source span [start, end). */
type Node =
  | { kind: "object"; start: number; end: number; entries: Entry[] }
  | { kind: "array"; start: number; end: number; items: Node[] }
  | { kind: "scalar"; start: number; end: number; value: unknown };
interface Entry {
  key: string;
  keyStart: number;
  value: Node;
}

/** A small JSON parser that keeps spans (JSON.parse does not), enough to edit values in place. */
function parseSpans(text: string, file: string): Node {
  let i = 0;
  const fail = (m: string): never => {
    throw new IdlError(file, `invalid JSON at offset ${i}: ${m}`);
  };
  const ws = () => {
    while (i < text.length && /\s/.test(text[i]!)) i++;
  };
  const value = (): Node => {
    ws();
    const start = i;
    const c = text[i];
    if (c === "{") {
      i++;
      const entries: Entry[] = [];
      ws();
      if (text[i] === "}") return { kind: "object", start, end: ++i, entries };
      for (;;) {
        ws();
        const keyStart = i;
        const k = value();
        if (k.kind !== "scalar" || typeof k.value !== "string") fail("object key must be a string");
        ws();
        if (text[i++] !== ":") fail("expected ':'");
        entries.push({ key: (k as { value: string }).value, keyStart, value: value() });
        ws();
        if (text[i] === ",") i++;
        else if (text[i] === "}") return { kind: "object", start, end: ++i, entries };
        else fail("expected ',' or '}'");
      }
    }
    if (c === "[") {
      i++;
      const items: Node[] = [];
      ws();
      if (text[i] === "]") return { kind: "array", start, end: ++i, items };
      for (;;) {
        items.push(value());
        ws();
        if (text[i] === ",") i++;
        else if (text[i] === "]") return { kind: "array", start, end: ++i, items };
        else fail("expected ',' or ']'");
      }
    }
    if (c === '"') {
      i++;
      while (i < text.length && text[i] !== '"') i += text[i] === "\\" ? 2 : 1;
      if (i >= text.length) fail("unterminated string");
      i++;
    } else {
      const m = /^(-?\d+(\.\d+)?([eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i, i + 40));
      if (!m) fail("unexpected character");
      i += m![0].length;
    }
    return { kind: "scalar", start, end: i, value: JSON.parse(text.slice(start, i)) as unknown };
  };
  const root = value();
  ws();
  if (i !== text.length) fail("trailing characters");
  return root;
}

const entry = (n: Node, key: string) =>
  n.kind === "object" ? n.entries.find((e) => e.key === key) : undefined;

const sameBytes = (n: Node, want: readonly number[]) =>
  n.kind === "array" &&
  n.items.length === want.length &&
  n.items.every((x, k) => x.kind === "scalar" && x.value === want[k]);

export interface FilledIdl {
  /** The IDL text with every discriminator right (the input itself when nothing changed). */
  text: string;
  /** What was written, e.g. `instruction add: wrong discriminator`. */
  changes: string[];
}

/**
 * Writes the right discriminator into each instruction, account and event of the IDL text: a
 * wrong one is replaced, a missing one is inserted after `docs` (or `name`), where Anchor puts it.
 */
export async function fillDiscriminators(text: string, file: string): Promise<FilledIdl> {
  const root = parseSpans(text, file);
  const edits: { at: number; end: number; text: string }[] = [];
  const changes: string[] = [];
  const lists = [
    ["instructions", "instruction", instructionDiscriminator],
    ["accounts", "account", accountDiscriminator],
    ["events", "event", eventDiscriminator],
  ] as const;
  for (const [key, what, disc] of lists) {
    const list = entry(root, key)?.value;
    if (!list) continue;
    if (list.kind !== "array") throw new IdlError(file, `"${key}" must be an array`);
    for (const item of list.items) {
      const name = entry(item, "name")?.value;
      if (item.kind !== "object" || name?.kind !== "scalar" || typeof name.value !== "string")
        throw new IdlError(file, `every entry of "${key}" needs a string "name"`);
      const want = disc(name.value);
      const bytes = `[${want.join(", ")}]`;
      const have = entry(item, "discriminator");
      if (have) {
        if (sameBytes(have.value, want)) continue;
        edits.push({ at: have.value.start, end: have.value.end, text: bytes });
        changes.push(`${what} ${name.value}: wrong discriminator`);
      } else {
        // Insert after docs/name, copying the whitespace before that key (inline or one per line).
        const after = entry(item, "docs") ?? entry(item, "name")!;
        const idx = item.entries.indexOf(after);
        const prevEnd = idx === 0 ? item.start + 1 : item.entries[idx - 1]!.value.end + 1;
        const indent = text.slice(prevEnd, after.keyStart);
        edits.push({
          at: after.value.end,
          end: after.value.end,
          text: `,${indent}"discriminator": ${bytes}`,
        });
        changes.push(`${what} ${name.value}: missing discriminator`);
      }
    }
  }
  if (edits.length === 0) return { text, changes };
  let out = text;
  for (const e of edits.sort((a, b) => b.at - a.at))
    out = out.slice(0, e.at) + e.text + out.slice(e.end);
  // Re-wrap only what the edit made too long; the rest of a prettier-formatted file stays as is.
  return { text: await format(out, { parser: "json" }), changes };
}
