/**
 * The body of a process document as sections: `sectionStarts` cuts it before every line that starts with
 * `#` outside code fences and HTML comments (and before paragraphs in long sections); the facts the
 * document-level rules read (BodyFacts) are collected from the sections by analysis/body.ts, which parses,
 * checks and caches each section. `documentAnchors` reads another document's heading anchors (link targets).
 */
import type { ControlRef } from '../refs/scan';
import type { LineIndex } from '../text';
import { LruCache, detach } from '../chunks';
import { parseSection, type BodyLink, type SectionSyntax } from './markdown-syntax';
import { headingSlugs, type Heading } from './document';

export type { BodyLink };

/** What the document-level rules need from the body; offsets and lines are the document's. */
export interface BodyFacts {
  headings: Heading[];
  htmlAnchors: Set<string>;
  /** Some line outside code speaks of evidence or records. */
  mentionsRecords: boolean;
  /** Control references per section, offsets relative to `base` (shifting them all costs too much per keystroke). */
  sections: BodySection[];
  links: BodyLink[];
}

export interface BodySection {
  base: number;
  refs: readonly ControlRef[];
  /** `framework:id` of every control the section's valid references stand for -> index of the first such reference. */
  keys: ReadonlyMap<string, number>;
}

/** A section longer than this many lines is also cut before paragraphs (so a body without headings stays incremental). */
export const LONG_SECTION = 64;

/**
 * First lines of the sections of the body that starts at `fromLine`: lines starting with `#` (an ATX
 * heading at column 0, which ends every open block but a fence or HTML block) outside what looks like
 * a fence or an HTML comment; and, in sections longer than LONG_SECTION lines, a line starting with a
 * letter after a blank line (a paragraph at column 0, which also ends every open block but those two).
 * Jumps from one interesting line to the next with one regular expression instead of reading every
 * line. The fence and comment states are a cheap guess; parseSection's `open` catches the cuts it gets
 * wrong.
 */
export function sectionStarts(lines: LineIndex, fromLine: number): number[] {
  const starts = [fromLine];
  const text = lines.text;
  const re = /^(#{1,6}(?=[ \t\r\n]|$))|^ {0,3}(`{3,}|~{3,})|<!--|-->/gm;
  re.lastIndex = lines.lineStarts[fromLine];
  let fence: string | undefined;
  let inComment = false;
  let lastLine = -1;
  let prevMatch = fromLine;
  /** Paragraph cuts in the lines [a, b), where no fence or comment is open. */
  const paragraphs = (a: number, b: number) => {
    for (let l = Math.max(a, starts[starts.length - 1] + LONG_SECTION); l < b; l++) {
      if (/^[A-Za-z]/.test(lines.lineText(l)) && lines.lineText(l - 1).trim() === '') {
        starts.push(l);
        l += LONG_SECTION - 1;
      }
    }
  };
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const mark = m[1] ?? m[2];
    const line = lines.positionAt(m.index).line;
    if (!fence && !inComment) paragraphs(prevMatch + 1, line);
    prevMatch = line;
    if (m[2]) {
      if (fence) {
        if (mark[0] === fence[0] && mark.length >= fence.length && lines.lineText(line).trim() === mark) fence = undefined;
      } else fence = mark;
      lastLine = line;
      // Nothing else on a fence line counts (comment marks on it are code or info string).
      re.lastIndex = lines.lineEnd(line);
      continue;
    }
    if (fence) {
      re.lastIndex = lines.lineEnd(line);
      continue;
    }
    if (mark) {
      if (!inComment && line > fromLine && line !== lastLine) starts.push(line);
      lastLine = line;
      re.lastIndex = m.index + m[0].length;
      continue;
    }
    if (m[0] === '<!--') inComment = true;
    else inComment = false;
  }
  if (!fence && !inComment) paragraphs(prevMatch + 1, lines.lineCount);
  return starts;
}

/**
 * A section longer than this (no heading, and no paragraph after a blank line, to cut it at) is not parsed:
 * parsing costs about 1.4 s per MB and blocks the server, and such text is generated, not written.
 */
export const MAX_SECTION_CHARS = 512 * 1024;

/** Anchors of documents that links point into, by document text. */
const anchorCache = new LruCache<Set<string>>(16);

/**
 * The anchors of another Markdown document whose body starts at `fromLine`: its headings' slugs (with
 * GitHub's -1, -2 for repeats) and its HTML anchors. One parse per document text, section by section as
 * the body of a document is parsed (a section whose parse ends open read with the next ones, 1, 2, 4 ...
 * at a time), so that a section the readers do not read (over MAX_SECTION_CHARS) or that fails costs its
 * own anchors only.
 */
export function documentAnchors(lines: LineIndex, fromLine: number): Set<string> {
  const key = `${fromLine}:${lines.text}`;
  let anchors = anchorCache.get(key);
  if (!anchors) {
    const text = lines.text;
    const starts = sectionStarts(lines, Math.max(0, Math.min(fromLine, lines.lineCount - 1)));
    const at = (k: number) => (k < starts.length ? lines.lineStarts[starts[k]] : text.length);
    const headings: Heading[] = [];
    const html: string[] = [];
    for (let i = 0; i < starts.length; ) {
      let j = i + 1;
      let syntax = read(text.slice(at(i), at(j)));
      for (let step = 1; syntax?.open && j < starts.length; step *= 2) {
        j = Math.min(starts.length, j + step);
        syntax = read(text.slice(at(i), at(j)));
      }
      if (syntax) {
        for (const h of syntax.headings) headings.push(h);
        for (const a of syntax.anchors) html.push(a);
      }
      i = j;
    }
    anchors = headingSlugs(headings);
    for (const a of html) anchors.add(a);
    anchorCache.set(detach(key), anchors);
  }
  return anchors;
}

/** A section's syntax, or undefined for one too long to parse or that its reader failed on. */
function read(text: string): SectionSyntax | undefined {
  if (text.length > MAX_SECTION_CHARS) return undefined;
  try {
    return parseSection(text);
  } catch {
    return undefined;
  }
}
