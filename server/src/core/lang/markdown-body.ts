/**
 * The body of a process document as sections: `sectionStarts` cuts it before every line that starts with
 * `#` outside code fences and HTML comments (and before paragraphs in long sections); the facts the
 * document-level rules read (BodyFacts) are collected from the sections by analysis/body.ts, which parses,
 * checks and caches each section. `documentAnchors` reads another document's heading anchors (link targets).
 */
import type { ControlRef } from '../refs/scan';
import { LineIndex, type TextChange } from '../text';
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
export function sectionStarts(lines: LineIndex, fromLine: number, resume?: Resume): number[] {
  const starts = resume ? resume.head : [fromLine];
  const text = lines.text;
  const re = /^(#{1,6}(?=[ \t\r\n]|$))|^ {0,3}(`{3,}|~{3,})|<!--|-->/gm;
  re.lastIndex = lines.lineStarts[resume ? resume.from : fromLine];
  let fence: string | undefined;
  let inComment = false;
  let lastLine = -1;
  let prevMatch = resume ? resume.from - 1 : fromLine;
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
      if (!inComment && line > fromLine && line !== lastLine) {
        // Past the change, at a heading the cut before it also started a section at: the rest is that cut, moved.
        if (resume && line > resume.changeEnd) {
          const k = indexOf(resume.prev, line - resume.dl);
          if (k >= 0) {
            for (let i = k; i < resume.prev.length; i++) starts.push(resume.prev[i] + resume.dl);
            return starts;
          }
        }
        starts.push(line);
      }
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

/** Where sectionStarts resumes a cut after a change (sectionStartsAfterChange). */
interface Resume {
  /** The starts before `from`, kept. */
  head: number[];
  /** A heading line before the change that started a section: the scan's state there is known (no fence, no comment). */
  from: number;
  /** The last line the change reaches (in the new text), the line delta, and the cut before the change. */
  changeEnd: number;
  dl: number;
  prev: readonly number[];
}

function indexOf(sorted: readonly number[], x: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] === x) return mid;
    if (sorted[mid] < x) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/**
 * sectionStarts of a text that is the text of `prev` (cut at `prev.starts`, with `prev.lineCount` lines) changed at
 * `change`: the scan starts again at the last section heading before the change's first line (everything before it is
 * the same text, and a section starts there only outside fences and comments) and stops at the first heading past the
 * change where the previous cut also started one (the text from there on is the same, moved by the line delta).
 * Equal to a whole cut (test/edits.test.ts).
 */
export function sectionStartsAfterChange(lines: LineIndex, fromLine: number, prev: { starts: readonly number[]; lineCount: number }, change: TextChange): number[] {
  const first = lines.positionAt(change.start).line;
  const changeEnd = lines.positionAt(change.newEnd).line;
  const ps = prev.starts;
  let k = -1;
  for (let i = ps.length - 1; i > 0; i--) {
    if (ps[i] >= first) continue;
    if (lines.text.charCodeAt(lines.lineStarts[ps[i]]) === 35 /* # */) {
      k = i;
      break;
    }
  }
  if (ps[0] !== fromLine || k <= 0) return sectionStarts(lines, fromLine);
  return sectionStarts(lines, fromLine, { head: ps.slice(0, k), from: ps[k], changeEnd, dl: lines.lineCount - prev.lineCount, prev: ps });
}

/** Test hook: the cut of `text` made from the cut of `before` and the change between them. */
export function sectionStartsAfterEdit(before: string, text: string, change: TextChange, fromLine = 0): number[] {
  const old = new LineIndex(before);
  return sectionStartsAfterChange(new LineIndex(text), fromLine, { starts: sectionStarts(old, fromLine), lineCount: old.lineCount }, change);
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
