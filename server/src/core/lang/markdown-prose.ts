/**
 * A cheap line scanner over Markdown that yields the prose segments (text outside fenced and indented
 * code blocks, inline code, HTML comments and link destinations) with their offsets. Control references
 * are read from these segments only.
 */
import type { LineIndex } from '../text';

export interface Segment {
  start: number;
  text: string;
}

export function proseSegments(lines: LineIndex, fromLine: number): Segment[] {
  const out: Segment[] = [];
  let fence: string | undefined;
  let inComment = false;
  let prevBlank = true;
  let inList = false;
  for (let ln = fromLine; ln < lines.lineCount; ln++) {
    const text = lines.lineText(ln);
    const start = lines.lineStarts[ln];
    const step = fenceStep(text, fence);
    fence = step.fence;
    if (step.code) continue;
    const blank = text.trim() === '';
    if (!blank && /^ {0,3}(?:[-*+]|\d+[.)])\s/.test(text)) inList = true;
    else if (!blank && !/^\s/.test(text)) inList = false;
    if (!blank && prevBlank && !inList && /^( {4}|\t)/.test(text)) {
      prevBlank = false;
      continue; // indented code block
    }
    prevBlank = blank;
    if (blank) continue;
    // Blank out inline code, comments and link destinations, keeping offsets.
    let masked: string;
    [masked, inComment] = maskComments(text, inComment);
    masked = masked.replace(/(`+)(.+?)\1/g, (m) => ' '.repeat(m.length));
    masked = masked.replace(/\]\(([^)\s]*)(\s+"[^"]*")?\)/g, (m) => '](' + ' '.repeat(m.length - 3) + ')');
    masked = masked.replace(/<https?:[^>]*>|https?:\/\/\S+/g, (m) => ' '.repeat(m.length));
    out.push({ start, text: masked });
  }
  return out;
}

/**
 * Blanks out the HTML comments of one line (keeping offsets), given whether a comment is open at its
 * start; returns the masked line and whether a comment is still open at its end.
 */
export function maskComments(line: string, inComment: boolean): [string, boolean] {
  if (!inComment && !line.includes('<!--')) return [line, false];
  let s = '';
  let i = 0;
  while (i < line.length) {
    if (inComment) {
      const e = line.indexOf('-->', i);
      if (e < 0) {
        s += ' '.repeat(line.length - i);
        i = line.length;
      } else {
        s += ' '.repeat(e + 3 - i);
        i = e + 3;
        inComment = false;
      }
    } else {
      const b = line.indexOf('<!--', i);
      if (b < 0) {
        s += line.slice(i);
        i = line.length;
      } else {
        s += line.slice(i, b);
        i = b;
        inComment = true;
      }
    }
  }
  return [s, inComment];
}

/**
 * Fenced code, one line at a time: given the fence open before `line` (if any), the fence open after it
 * and whether the line is code (a fence line or inside a fence). A fence closes with a line of the same
 * character, at least as long, and nothing else.
 */
export function fenceStep(line: string, fence: string | undefined): { fence: string | undefined; code: boolean } {
  const f = /^ {0,3}(`{3,}|~{3,})/.exec(line);
  if (fence) return { fence: f && f[1][0] === fence[0] && f[1].length >= fence.length && line.trim() === f[1] ? undefined : fence, code: true };
  return f ? { fence: f[1], code: true } : { fence: undefined, code: false };
}
