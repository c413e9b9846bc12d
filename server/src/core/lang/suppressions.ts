/**
 * Suppression directives: the comments and the front matter key with which a user accepts a finding on
 * purpose, with a reason (docs/suppressions.md). A line scan, run only when the text contains "isms-":
 *
 *   Markdown body   <!-- isms-disable-next-line rule-a, rule-b -- reason (expires 2027-01-31) -->
 *                   <!-- isms-disable rule-a -- reason -->  ...  <!-- isms-enable rule-a -->
 *   YAML, front     # isms-disable-next-line rule-a -- reason
 *   matter          # isms-disable rule-a -- reason  ...  # isms-enable rule-a
 *   front matter    isms-disable: {rule-a: reason, rule-b: {reason: ..., until: 2027-01-31}}
 *
 * A directive without rule IDs covers every rule (as ESLint's). A next-line directive covers the next line
 * that is neither blank nor a directive; in an inventory, when that line starts a list item (`- id: ...`),
 * the whole item. A block runs to the `isms-enable` that names its rule (or names none), else to the end
 * of the file. Directives inside fenced code and inline code spans are examples, not directives.
 *
 * Also here: where the "Suppress with a reason…" quick fix inserts its comment (suppressionEdits).
 */
import { parseDocument, isMap, isScalar, type Node } from 'yaml';
import type { LineIndex } from '../text';
import type { DocumentKind, Range, TextEdit } from '../types';

export type DirectiveForm = 'next-line' | 'block' | 'file';

/** One rule ID a directive names, with the last line it covers (a block's rules may end at different lines). */
export interface DirectiveRule {
  id: string;
  range: Range;
  to: number;
}

/** A suppression directive: plain data (it travels from a CLI worker thread). Lines are 0-based. */
export interface SuppressionDirective {
  form: DirectiveForm;
  /** The directive's line. */
  line: number;
  /** The comment (or the front matter entry) as written. */
  range: Range;
  /** The lines the directive occupies alone (to delete it), when nothing else is on them. */
  whole?: Range;
  /** The rule IDs named; empty: every rule. */
  rules: DirectiveRule[];
  /** The reason as written ('' when none). */
  reason: string;
  reasonRange?: Range;
  /** The expiry as written (`(expires D)` in a comment, `until:` in front matter). */
  expires?: string;
  expiresRange?: Range;
  /** First and last line covered (for a rule of a block: its own `to`). */
  from: number;
  to: number;
  /** The owner of what the directive covers: the document's, or the inventory entry's (set by the service). */
  owner?: string;
}

const COMMENT_HTML = /^<!--[ \t]*isms-(disable-next-line|disable|enable)(?![\w-])(.*)-->$/;
const COMMENT_YAML = /(?:^|[ \t])#[ \t]*isms-(disable-next-line|disable|enable)(?![\w-])(.*)$/;
const RULE_ID = /[A-Za-z0-9][\w-]*/g;
const EXPIRY = /\((?:expires?|until)[ \t:]+([^)]*?)[ \t]*\)[ \t.]*$/i;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;

/** Where directives may be: the kind of file and its front matter's body (offsets), for documents. */
export interface DirectiveSource {
  lines: LineIndex;
  kind: DocumentKind;
  frontMatter?: { start: number; end: number };
}

/** The directives of a text; [] without a parse when it does not contain "isms-". */
export function readDirectives(src: DirectiveSource): SuppressionDirective[] {
  const { lines, kind, frontMatter } = src;
  const text = lines.text;
  if (kind === 'other' || text.indexOf('isms-') < 0) return [];
  const out: SuppressionDirective[] = [];
  const last = lines.lineCount - 1;
  // Front matter: YAML lines from its first to its last body line (and the file-level key).
  const fmFirst = frontMatter ? lines.positionAt(frontMatter.start).line : -1;
  const fmLast = frontMatter ? (frontMatter.end > frontMatter.start ? lines.positionAt(frontMatter.end).line : fmFirst - 1) : -2;
  const fmClose = frontMatter ? fmLast + 1 : -1;
  let fence: string | undefined;
  const found: { form: 'next-line' | 'block' | 'enable'; line: number; start: number; end: number; body: string; bodyStart: number }[] = [];
  for (let l = 0; l <= last; l++) {
    const start = lines.lineStarts[l];
    const lineText = lines.lineText(l);
    const yamlLine = kind === 'inventory' || kind === 'component' || (l >= fmFirst && l <= fmLast);
    if (!yamlLine && kind === 'process-document' && l > fmClose) {
      const f = FENCE.exec(lineText);
      if (fence !== undefined) {
        if (f && f[1][0] === fence[0] && f[1].length >= fence.length && lineText.slice(f[0].length).trim() === '') fence = undefined;
        continue;
      }
      if (f && !(f[1][0] === '`' && lineText.slice(f[0].length).includes('`'))) {
        fence = f[1];
        continue;
      }
    }
    if (lineText.indexOf('isms-') < 0) continue;
    if (yamlLine) {
      const m = COMMENT_YAML.exec(lineText);
      if (!m || inQuotes(lineText, m.index)) continue;
      const hash = lineText.indexOf('#', m.index);
      const bodyStart = start + lineText.length - m[2].length;
      found.push({ form: m[1] === 'enable' ? 'enable' : m[1] === 'disable' ? 'block' : 'next-line', line: l, start: start + hash, end: start + lineText.length, body: m[2], bodyStart });
    } else if (kind === 'process-document' && l > fmClose) {
      // Each comment once, from its `<!--` to the next `-->` (linear in the line, whatever it holds).
      let ticks = 0;
      let counted = 0;
      for (let open = lineText.indexOf('<!--'); open >= 0; ) {
        const close = lineText.indexOf('-->', open + 4);
        if (close < 0) break;
        for (; counted < open; counted++) if (lineText.charCodeAt(counted) === 96) ticks++;
        const m = ticks % 2 === 0 ? COMMENT_HTML.exec(lineText.slice(open, close + 3)) : null;
        if (m) {
          const bodyStart = start + open + m[0].length - 3 - m[2].length;
          found.push({ form: m[1] === 'enable' ? 'enable' : m[1] === 'disable' ? 'block' : 'next-line', line: l, start: start + open, end: start + open + m[0].length, body: m[2], bodyStart });
        }
        open = lineText.indexOf('<!--', close + 3);
      }
    }
  }
  // Lines that hold one directive and nothing else.
  const isDirectiveLine = new Set<number>();
  for (let i = 0; i < found.length; i++) {
    const f = found[i];
    if (found[i - 1]?.line === f.line || found[i + 1]?.line === f.line) continue;
    if (text.slice(lines.lineStarts[f.line], f.start).trim() === '' && text.slice(f.end, lines.lineEnd(f.line)).trim() === '') isDirectiveLine.add(f.line);
  }
  let open: SuppressionDirective[] = [];
  for (const f of found) {
    const { rules, reason, reasonStart, expires, expiresStart } = parseBody(f.body, f.bodyStart);
    const ruleRefs = rules.map((r) => ({ id: r.id, range: lines.range(r.start, r.start + r.id.length), to: last }));
    if (f.form === 'enable') {
      // Ends the open blocks' rules it names (every rule when it names none).
      for (const d of open) {
        if (!rules.length) {
          d.to = f.line;
          d.rules.forEach((r) => r.to === last && (r.to = f.line));
        } else {
          for (const r of d.rules) if (r.to === last && rules.some((x) => x.id === r.id)) r.to = f.line;
          if (d.rules.length && d.rules.every((r) => r.to < last)) d.to = Math.max(...d.rules.map((r) => r.to));
        }
      }
      open = open.filter((d) => d.to === last);
      continue;
    }
    const d: SuppressionDirective = {
      form: f.form,
      line: f.line,
      range: lines.range(f.start, f.end),
      rules: ruleRefs,
      reason,
      from: f.line + 1,
      to: last,
    };
    if (isDirectiveLine.has(f.line)) d.whole = { start: { line: f.line, character: 0 }, end: f.line < last ? { line: f.line + 1, character: 0 } : lines.positionAt(lines.lineEnd(f.line)) };
    if (reason) d.reasonRange = lines.range(reasonStart, reasonStart + reason.length);
    if (expires !== undefined) {
      d.expires = expires;
      d.expiresRange = lines.range(expiresStart, expiresStart + expires.length);
    }
    if (f.form === 'next-line') {
      let t = f.line + 1;
      while (t <= last && (isDirectiveLine.has(t) || lines.lineText(t).trim() === '')) t++;
      d.from = t;
      d.to = kind === 'inventory' && t <= last ? itemEnd(lines, t) : t;
      for (const r of d.rules) r.to = d.to;
    } else open.push(d);
    out.push(d);
  }
  if (frontMatter && fmLast >= fmFirst) readFrontMatterKey(lines, fmFirst, fmLast, out);
  return out.sort((a, b) => a.line - b.line);
}

/** Rule IDs, then ` -- reason (expires D)`. */
function parseBody(body: string, base: number) {
  const dash = /(?:^|[ \t])--(?:[ \t]|$)/.exec(body);
  const head = dash ? body.slice(0, dash.index) : body;
  const rules: { id: string; start: number }[] = [];
  RULE_ID.lastIndex = 0;
  for (let m = RULE_ID.exec(head); m; m = RULE_ID.exec(head)) rules.push({ id: m[0], start: base + m.index });
  let reason = '';
  let reasonStart = base;
  let expires: string | undefined;
  let expiresStart = base;
  if (dash) {
    const restStart = dash.index + dash[0].length;
    let rest = body.slice(restStart);
    const e = EXPIRY.exec(rest);
    if (e) {
      expires = e[1];
      expiresStart = base + restStart + e.index + e[0].indexOf(e[1], e[0].search(/[ \t:]/));
      rest = rest.slice(0, e.index);
    }
    const lead = rest.length - rest.trimStart().length;
    reason = rest.trim();
    reasonStart = base + restStart + lead;
  }
  return { rules, reason, reasonStart, expires, expiresStart };
}

/** The file-level form: `isms-disable:` in the front matter, a map of rule IDs to a reason or {reason, until}. */
function readFrontMatterKey(lines: LineIndex, first: number, last: number, out: SuppressionDirective[]): void {
  for (let l = first; l <= last; l++) {
    if (!/^isms-disable[ \t]*:/.test(lines.lineText(l))) continue;
    let end = l + 1;
    while (end <= last && (/^[ \t#]/.test(lines.lineText(end)) || lines.lineText(end) === '')) end++;
    const from = lines.lineStarts[l];
    const src = lines.text.slice(from, lines.lineEnd(end - 1));
    const doc = parseDocument(src, { prettyErrors: false, logLevel: 'error' });
    if (doc.errors.length || !isMap(doc.contents)) return;
    const value = doc.contents.items[0]?.value as Node | null | undefined;
    if (!isMap(value)) return;
    for (const pair of value.items) {
      const key = pair.key as Node;
      if (!isScalar(key) || !key.range || typeof key.value !== 'string') continue;
      const id = key.value;
      const at = (n: Node | null | undefined) => (n?.range ? { s: from + n.range[0], e: from + n.range[1] } : undefined);
      let reasonNode: Node | undefined;
      let untilNode: Node | undefined;
      const v = pair.value as Node | null;
      if (isScalar(v)) reasonNode = v;
      else if (isMap(v)) {
        for (const p of v.items) {
          const k = isScalar(p.key) ? String(p.key.value) : '';
          if (k === 'reason') reasonNode = p.value as Node;
          else if (k === 'until') untilNode = p.value as Node;
        }
      }
      const keyAt = at(key)!;
      const valueEnd = at(v)?.e ?? keyAt.e;
      const d: SuppressionDirective = {
        form: 'file',
        line: lines.positionAt(keyAt.s).line,
        range: lines.range(keyAt.s, trimEnd(lines.text, valueEnd)),
        rules: [{ id, range: lines.range(keyAt.s, keyAt.e), to: lines.lineCount - 1 }],
        reason: '',
        from: 0,
        to: lines.lineCount - 1,
      };
      const r = at(reasonNode);
      if (r && isScalar(reasonNode) && reasonNode.value !== null) {
        let text = lines.text.slice(r.s, trimEnd(lines.text, r.e));
        let s = r.s;
        if (/^["']/.test(text)) {
          text = text.slice(1, -1);
          s++;
        }
        const e = EXPIRY.exec(text);
        if (e && !untilNode) {
          d.expires = e[1];
          const es = s + e.index + e[0].indexOf(e[1], e[0].search(/[ \t:]/));
          d.expiresRange = lines.range(es, es + e[1].length);
          text = text.slice(0, e.index);
        }
        const lead = text.length - text.trimStart().length;
        d.reason = text.trim();
        if (d.reason) d.reasonRange = lines.range(s + lead, s + lead + d.reason.length);
      }
      const u = at(untilNode);
      if (u) {
        let t = lines.text.slice(u.s, trimEnd(lines.text, u.e));
        let s = u.s;
        if (/^["']/.test(t)) {
          t = t.slice(1, -1);
          s++;
        }
        d.expires = t;
        d.expiresRange = lines.range(s, s + t.length);
      }
      out.push(d);
    }
    return;
  }
}

function trimEnd(text: string, end: number): number {
  while (end > 0 && /\s/.test(text[end - 1])) end--;
  return end;
}

/** The last line of the YAML list item starting at line `t` (just `t` when it is no list item). */
function itemEnd(lines: LineIndex, t: number): number {
  const m = /^([ \t]*)-(?:[ \t]|$)/.exec(lines.lineText(t));
  if (!m) return t;
  const indent = m[1].length;
  let end = t;
  for (let l = t + 1; l < lines.lineCount; l++) {
    const s = lines.lineText(l);
    if (s.trim() === '') continue;
    const ind = s.length - s.trimStart().length;
    // (A comment at the item's indentation or less belongs to what follows: a directive for the next item.)
    if (ind <= indent) break;
    end = l;
  }
  return end;
}

/** Is `at` inside a quoted YAML scalar on this line (a `#` there is text, not a comment)? */
function inQuotes(line: string, at: number): boolean {
  let q: string | undefined;
  for (let i = 0; i < at; i++) {
    const c = line[i];
    if (q) {
      if (c === q) q = undefined;
    } else if ((c === '"' || c === "'") && (i === 0 || /[\s:\-\[{,]/.test(line[i - 1]))) q = c;
  }
  return q !== undefined;
}

/** Does `directive` cover a finding of `ruleId` starting on `line`? */
export function covers(d: SuppressionDirective, ruleId: string, line: number): boolean {
  if (line < d.from) return false;
  if (!d.rules.length) return line <= d.to;
  for (const r of d.rules) if (r.id === ruleId && line <= r.to) return true;
  return false;
}

/** The reason text the quick fix inserts: a placeholder suppression-unjustified flags until it is replaced. */
export const REASON_PLACEHOLDER = 'TODO: why this finding is accepted';

/**
 * The edits of "Suppress with a reason…" for findings of a file: a next-line directive above the finding's line
 * (an HTML comment in a Markdown body, a `#` comment in YAML and front matter, with the line's indentation);
 * where a line cannot take one above it without changing the document (inside a paragraph, table or list, a
 * fenced block, a YAML block scalar or a continued plain scalar), a block directive before and an enable after
 * what holds it. One placer per request: the Markdown blocks are found once (a line scan), so placing the
 * fixes of every finding of a file stays linear.
 */
export function suppressionPlacer(src: DirectiveSource): (ruleId: string, line: number) => TextEdit[] | undefined {
  const { lines, kind, frontMatter } = src;
  const eol = lines.eol;
  const fmFirst = frontMatter ? lines.positionAt(frontMatter.start).line : -1;
  const fmLast = frontMatter ? (frontMatter.end > frontMatter.start ? lines.positionAt(frontMatter.end).line : fmFirst - 1) : -2;
  let blocks: Int32Array | undefined;
  return (ruleId, line) => {
    const yaml = kind === 'inventory' || kind === 'component' || (frontMatter !== undefined && line >= fmFirst && line <= fmLast);
    // (No comment can go above the front matter's fences.)
    if (frontMatter && kind === 'process-document' && (line === fmFirst - 1 || line === fmLast + 1)) return undefined;
    const comment = (form: string, body: string, indent: string) => (yaml ? `${indent}# isms-${form} ${body}` : `${indent}<!-- isms-${form} ${body} -->`);
    const reasoned = `${ruleId} -- ${REASON_PLACEHOLDER}`;
    let first: number;
    let last: number;
    if (yaml) [first, last] = yamlSpan(lines, line, kind === 'inventory' || kind === 'component' ? 0 : fmFirst);
    else {
      blocks ??= markdownBlocks(lines, frontMatter ? fmLast + 2 : 0);
      [first, last] = line < blocks.length / 2 && blocks[2 * line] >= 0 ? [blocks[2 * line], blocks[2 * line + 1]] : [line, line];
    }
    const indent = /^[ \t]*/.exec(lines.lineText(first))![0];
    const at = (l: number) => ({ line: l, character: 0 });
    if (first === line) return [{ range: { start: at(line), end: at(line) }, newText: comment('disable-next-line', reasoned, indent) + eol }];
    const end = lines.positionAt(lines.text.length);
    const enable =
      last + 1 < lines.lineCount
        ? { range: { start: at(last + 1), end: at(last + 1) }, newText: comment('enable', ruleId, indent) + eol }
        : { range: { start: end, end }, newText: (lines.lineText(last) === '' ? '' : eol) + comment('enable', ruleId, indent) + eol };
    return [{ range: { start: at(first), end: at(first) }, newText: comment('disable', reasoned, indent) + eol }, enable];
  };
}

/**
 * For each line of a Markdown body, the first and last line of what holds it and cannot take a comment line
 * inside: a fenced block, or a run of non-blank lines (a paragraph, table or list) that the line does not
 * start. -1 where a comment can go right above the line.
 */
function markdownBlocks(lines: LineIndex, bodyFirst: number): Int32Array {
  const n = lines.lineCount;
  const out = new Int32Array(2 * n).fill(-1);
  const heading = (t: string) => /^ {0,3}#{1,6}(?:[ \t]|$)/.test(t);
  let l = bodyFirst;
  while (l < n) {
    const t = lines.lineText(l);
    const f = FENCE.exec(t);
    if (f && !(f[1][0] === '`' && t.slice(f[0].length).includes('`'))) {
      let close = l + 1;
      for (; close < n; close++) {
        const c = FENCE.exec(lines.lineText(close));
        if (c && c[1][0] === f[1][0] && c[1].length >= f[1].length && lines.lineText(close).slice(c[0].length).trim() === '') break;
      }
      const endLine = Math.min(close, n - 1);
      for (let k = l + 1; k <= endLine; k++) [out[2 * k], out[2 * k + 1]] = [l, endLine];
      l = endLine + 1;
      continue;
    }
    if (t.trim() === '' || heading(t)) {
      l++;
      continue;
    }
    // A run of non-blank lines up to a blank line, a heading or a fence.
    let endLine = l;
    while (endLine + 1 < n) {
      const u = lines.lineText(endLine + 1);
      if (u.trim() === '' || heading(u) || FENCE.test(u)) break;
      endLine++;
    }
    for (let k = l + 1; k <= endLine; k++) [out[2 * k], out[2 * k + 1]] = [l, endLine];
    l = endLine + 1;
  }
  return out;
}

/** The lines [first, last] of YAML that hold `line` and cannot take a comment line between them. */
function yamlSpan(lines: LineIndex, line: number, yamlFirst: number): [number, number] {
  const indentOf = (s: string) => s.length - s.trimStart().length;
  const starts = (s: string) => /^[ \t]*(?:-[ \t]+|-$|#|[^\s#][^:#]*:(?:[ \t]|$)|["'][^"']*["'][ \t]*:(?:[ \t]|$)|\.\.\.|---)/.test(s);
  // Walk up while the line is a continuation (of a block scalar or a plain scalar): find the key that opens it.
  let first = line;
  const own = lines.lineText(line);
  if (own.trim() !== '' && !starts(own)) {
    const ind = indentOf(own);
    for (let l = line - 1; l >= yamlFirst; l--) {
      const t = lines.lineText(l);
      if (t.trim() === '') continue;
      if (indentOf(t) < ind || starts(t)) {
        first = l;
        break;
      }
    }
  } else if (own.trim() !== '') {
    // A block scalar's text may look like a key (`text: here`): is the line under a `key: |` at less indentation?
    const ind = indentOf(own);
    for (let l = line - 1; l >= yamlFirst; l--) {
      const t = lines.lineText(l);
      if (t.trim() === '') continue;
      if (indentOf(t) < ind) {
        if (/:[ \t]*[|>][-+0-9]*[ \t]*(?:#.*)?$/.test(t)) first = l;
        break;
      }
    }
  }
  if (first === line) return [line, line];
  // The scalar ends before the next line at the opening key's indentation or less.
  const base = indentOf(lines.lineText(first));
  let last = line;
  for (let l = line + 1; l < lines.lineCount; l++) {
    const t = lines.lineText(l);
    if (t.trim() === '') continue;
    if (indentOf(t) <= base) break;
    last = l;
  }
  return [first, last];
}

/** The `owner` (or `owners`) of a front matter body, as written: one name, or a list joined with ", ". */
export function documentOwner(lines: LineIndex, frontMatter: { start: number; end: number }): string | undefined {
  const first = lines.positionAt(frontMatter.start).line;
  const last = lines.positionAt(frontMatter.end).line;
  const clean = (s: string) => s.replace(/(?:^|[ \t])#.*$/, '').trim().replace(/^["']|["']$/g, '').trim();
  for (let l = first; l <= last; l++) {
    const m = /^(?:owner|owners|Owner)[ \t]*:(.*)$/.exec(lines.lineText(l));
    if (!m) continue;
    let v = clean(m[1]);
    if (v.startsWith('[')) v = v.replace(/^\[|\]$/g, '').split(',').map(clean).filter(Boolean).join(', ');
    if (v) return v;
    const items: string[] = [];
    for (let k = l + 1; k <= last; k++) {
      const item = /^[ \t]*-[ \t]+(.*)$/.exec(lines.lineText(k));
      if (!item) break;
      items.push(clean(item[1]));
    }
    return items.filter(Boolean).join(', ') || undefined;
  }
  return undefined;
}
