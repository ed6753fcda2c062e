/**
 * Docs that stay true: every link in a tracked Markdown file points inside this repository, at a
 * file that exists and, when it names one, at a heading that exists (GitHub's anchor for it).
 * A link that leaves the repository — an http(s) or other URL, or a relative path that climbs
 * above the repository root, also as a bare `../…` reference in the text — fails: what a reader
 * needs is written here, in our words.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "..");
const git = (...args: string[]) =>
  execFileSync("git", args, { cwd: root, encoding: "utf8" }).split("\n").filter(Boolean);

const tracked = new Set(git("ls-files"));
const trackedDirs = new Set<string>([""]);
for (const file of tracked)
  for (let dir = path.posix.dirname(file); dir !== "."; dir = path.posix.dirname(dir))
    trackedDirs.add(dir);
const markdownFiles = git("ls-files", "*.md").filter((f) => tracked.has(f));

/** The file's text with fenced and indented code blocks blanked (same length, same lines). */
function withoutCodeBlocks(text: string): string {
  const lines = text.split("\n");
  let fence: string | null = null;
  let previousBlank = true;
  let inIndented = false;
  return lines
    .map((line) => {
      const open = /^ {0,3}(`{3,}|~{3,})/.exec(line);
      if (fence !== null) {
        const closing = open?.[1];
        if (closing?.startsWith(fence) && /^ {0,3}[`~]+\s*$/.test(line)) fence = null;
        return " ".repeat(line.length);
      }
      if (open) {
        fence = open[1]!;
        previousBlank = false;
        return " ".repeat(line.length);
      }
      const blank = line.trim() === "";
      if (blank) {
        previousBlank = true;
        return line;
      }
      inIndented = /^( {4}|\t)/.test(line) && (previousBlank || inIndented);
      previousBlank = false;
      return inIndented ? " ".repeat(line.length) : line;
    })
    .join("\n");
}

/** Inline code spans blanked (their backticks and contents), so a path in `code` is not a link. */
function withoutCodeSpans(text: string): string {
  return text.replace(/(`+)([\s\S]*?[^`])\1(?!`)/g, (m) => m.replace(/[^\n]/g, " "));
}

/** GitHub's anchor for a heading (github-slugger: lower case, punctuation dropped, spaces → '-'). */
function slug(heading: string): string {
  const text = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1") // links and images keep their text
    .replace(/<[^>]+>/g, "") // inline HTML
    .replace(/`/g, "")
    .replace(/\*/g, "")
    .trim();
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, "")
    .replace(/ /g, "-");
}

/** Every anchor a file offers: its headings' slugs (duplicates numbered) and explicit ids. */
function anchorsOf(text: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  const add = (heading: string) => {
    const base = slug(heading);
    const n = seen.get(base);
    seen.set(base, (n ?? -1) + 1);
    anchors.add(n === undefined ? base : `${base}-${n + 1}`);
  };
  const lines = withoutCodeBlocks(text).split("\n");
  lines.forEach((line, i) => {
    const atx = /^ {0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$/.exec(line);
    if (atx) return add(atx[1]!);
    const next = lines[i + 1];
    if (
      next !== undefined &&
      line.trim() !== "" &&
      /^ {0,3}(=+|-+)\s*$/.test(next) &&
      !/^\s*[-*+]\s/.test(line) &&
      !line.includes("|")
    )
      add(line.trim());
  });
  for (const m of text.matchAll(/<a\s[^>]*(?:id|name)="([^"]+)"/g)) anchors.add(m[1]!);
  return anchors;
}

interface Link {
  target: string;
  line: number;
  kind: "link" | "url" | "bare";
}

/** The links of a Markdown text: inline, reference definitions, autolinks, HTML, bare URLs. */
function linksOf(text: string): Link[] {
  const prose = withoutCodeSpans(withoutCodeBlocks(text));
  const lineOf = (index: number) => prose.slice(0, index).split("\n").length;
  const links: Link[] = [];
  const inline =
    /!?\[(?:[^[\]]|\[[^\]]*\])*\]\(\s*(<[^>]*>|[^\s)]+)(?:\s+(?:"[^"]*"|'[^']*'|\([^)]*\)))?\s*\)/g;
  for (const m of prose.matchAll(inline))
    links.push({ target: m[1]!.replace(/^<|>$/g, ""), line: lineOf(m.index), kind: "link" });
  for (const m of prose.matchAll(/^ {0,3}\[[^\]]+\]:\s*<?([^\s>]+)>?/gm))
    links.push({ target: m[1]!, line: lineOf(m.index), kind: "link" });
  for (const m of prose.matchAll(/<(?:a|img)\s[^>]*(?:href|src)="([^"]*)"/gi))
    links.push({ target: m[1]!, line: lineOf(m.index), kind: "link" });
  // Any URL left in the prose (GitHub turns bare ones into links too).
  const outside = prose
    .replace(inline, (m) => " ".repeat(m.length))
    .replace(/<(?:a|img)\s[^>]*>/gi, (m) => " ".repeat(m.length))
    .replace(/^ {0,3}\[[^\]]+\]:.*$/gm, (m) => " ".repeat(m.length));
  for (const m of outside.matchAll(/(?:\b[a-z][a-z0-9+.-]*:\/\/|\bwww\.|\bmailto:)[^\s<>)\]]*/gi))
    links.push({ target: m[0].replace(/[.,;:!?]+$/, ""), line: lineOf(m.index), kind: "url" });
  // Bare relative references, also in code: `../x/y` counts when it climbs above the root.
  const lines = text.split("\n");
  lines.forEach((line, i) => {
    for (const m of line.matchAll(/(?<![\w./-])((?:\.\.\/)+[\w.@-][^\s`'"()<>,;]*)/g))
      links.push({ target: m[1]!, line: i + 1, kind: "bare" });
  });
  return links;
}

/** What is wrong with one link of `file` (a repo-relative path), or null when it is fine. */
function problemOf(
  file: string,
  link: Link,
  anchorsFor: (file: string) => Set<string>,
): string | null {
  const { target } = link;
  if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith("//") || /^www\./i.test(target))
    return `leaves the repository (${target}): write the fact here or link our own doc`;
  const [rawPath = "", rawAnchor] = target.split("#", 2) as [string, string | undefined];
  let decodedPath = rawPath;
  try {
    decodedPath = decodeURIComponent(rawPath);
  } catch {
    return `malformed link target ${target}`;
  }
  const fromDir = path.posix.dirname(file);
  const resolved = decodedPath.startsWith("/")
    ? path.posix.normalize(decodedPath.slice(1))
    : path.posix.normalize(path.posix.join(fromDir === "." ? "" : fromDir, decodedPath));
  if (resolved === ".." || resolved.startsWith("../"))
    return `leaves the repository (${target} climbs above the root)`;
  if (link.kind === "bare") return null; // a bare path inside the repo is prose, not a link to check
  const targetFile = decodedPath === "" ? file : resolved.replace(/\/$/, "");
  const isDir = trackedDirs.has(targetFile === "." ? "" : targetFile);
  if (!tracked.has(targetFile) && !isDir) return `${target}: no such file in the repository`;
  if (rawAnchor !== undefined && rawAnchor !== "" && !isDir && targetFile.endsWith(".md")) {
    const anchor = decodeURIComponent(rawAnchor).toLowerCase();
    if (!anchorsFor(targetFile).has(anchor))
      return `${target}: ${targetFile} has no heading #${anchor}`;
  }
  return null;
}

describe("links in the Markdown files", () => {
  const anchorCache = new Map<string, Set<string>>();
  const anchorsFor = (file: string) => {
    let anchors = anchorCache.get(file);
    if (!anchors) {
      anchors = anchorsOf(readFileSync(path.join(root, file), "utf8"));
      anchorCache.set(file, anchors);
    }
    return anchors;
  };

  it("finds the Markdown files", () => {
    expect(markdownFiles).toContain("README.md");
  });

  it("every link stays in the repository and names a file and heading that exist", () => {
    const problems: string[] = [];
    for (const file of markdownFiles) {
      for (const link of linksOf(readFileSync(path.join(root, file), "utf8"))) {
        const problem = problemOf(file, link, anchorsFor);
        if (problem) problems.push(`${file}:${link.line}: ${problem}`);
      }
    }
    expect(problems).toEqual([]);
  });
});

describe("the link checker", () => {
  const anchors = (text: string) => () => anchorsOf(text);
  const check = (
    target: string,
    kind: Link["kind"] = "link",
    file = "server/x/README.md",
    doc = "",
  ) => problemOf(file, { target, line: 1, kind }, anchors(doc));

  it("makes GitHub's anchors", () => {
    expect(slug("Indexer health and dead letters")).toBe("indexer-health-and-dead-letters");
    expect(slug("The relinker (`programs/toolchain/relink.ts`)")).toBe(
      "the-relinker-programstoolchainrelinkts",
    );
    expect(slug("Redis (through the Upstash REST protocol)")).toBe(
      "redis-through-the-upstash-rest-protocol",
    );
    expect(slug("Mint poller, indexer, bootstrap, simulator")).toBe(
      "mint-poller-indexer-bootstrap-simulator",
    );
    expect(slug("C support headers (`programs/include/gtx/*.h`, umbrella `gtx.h`)")).toBe(
      "c-support-headers-programsincludegtxh-umbrella-gtxh",
    );
    expect([...anchorsOf("# A\n\n## A\n\n```\n# not a heading\n```\nB\n---\n")]).toEqual([
      "a",
      "a-1",
      "b",
    ]);
  });

  it("finds links, URLs and bare references, not the ones in code", () => {
    const text = [
      "See [the map](../README.md#folder-map) and <https://example.org>.",
      "Open http://localhost:3000 or `http://127.0.0.1:8899`; notes in ../shared/notes/x.md.",
      "```sh",
      "curl https://inside.code/block",
      "```",
      "[ref]: https://example.org/ref",
    ].join("\n");
    const found = linksOf(text).map((l) => `${l.kind} ${l.target} @${l.line}`);
    expect(found).toEqual([
      "link ../README.md#folder-map @1",
      "link https://example.org/ref @6",
      "url https://example.org @1",
      "url http://localhost:3000 @2",
      "bare ../README.md#folder-map @1",
      "bare ../shared/notes/x.md. @2",
    ]);
  });

  it("refuses links that leave the repository", () => {
    expect(check("https://github.com/npm/cli/issues/9846")).toMatch(/leaves the repository/);
    expect(check("mailto:someone@example.org")).toMatch(/leaves the repository/);
    expect(check("../../../shared/spec/product.md")).toMatch(/climbs above the root/);
    expect(check("../../../shared/spec/product.md", "bare")).toMatch(/climbs above the root/);
    expect(check("../poller/README.md", "bare")).toBeNull();
  });

  it("refuses missing files and headings, accepts real ones", () => {
    expect(check("../../README.md")).toBeNull();
    expect(check("../../programs/")).toBeNull();
    expect(check("../../no-such-file.md")).toMatch(/no such file/);
    expect(check("#here", "link", "README.md", "## Here\n")).toBeNull();
    expect(check("#gone", "link", "README.md", "## Here\n")).toMatch(/has no heading #gone/);
    expect(
      check("../../README.md#no-such-heading", "link", "server/x/README.md", "## Here\n"),
    ).toMatch(/has no heading/);
  });
});
