/**
 * The fast reader of a section: the CommonMark block algorithm (the one commonmark.js and the spec's
 * appendix describe: match the open containers, try block starts, lazy continuation), cut down to the
 * constructs ISMS documents are written with, and an inline scan that finds only what the rules need:
 * code spans, links and images (their destinations), autolinks, HTML tags (their anchors) and comments. Emphasis, entities
 * and the rest of inline syntax change no offset the rules use, so they are not read.
 *
 * It reads exactly or not at all: at the first construct it does not read exactly (raw HTML blocks such
 * as <pre>, processing instructions, tabs in indentation, link titles over lines, references whose reading
 * depends on definitions it cannot see...), it gives up and the caller parses the section with
 * remark-parse (markdown-remark). Its results equal remark's, tested on random documents
 * (test/markdown-fast.test.ts). Sections keep to the subset almost always; it reads them about ten
 * times faster than remark.
 */
import { ANCHOR, emptySyntax, link, pushHeading, pushHtmlBlock, pushSegment, type BodyLink, type SectionSyntax } from './markdown-section';

/** Thrown (no stack trace: not an Error) where the reader stops; readSection then returns undefined. */
const GIVE_UP = Symbol('give up');

/** Reads a section, or returns undefined when it holds something this reader does not read exactly. */
export function readSection(text: string): SectionSyntax | undefined {
  // Lone CR line ends, NUL (replaced by the parser) and a byte order mark are left to remark.
  if (/\r(?!\n)|\0/.test(text) || text.charCodeAt(0) === 0xfeff) return undefined;
  try {
    return new Reader(text).read();
  } catch (e) {
    if (e === GIVE_UP) return undefined;
    throw e;
  }
}

function giveUp(): never {
  throw GIVE_UP;
}

const enum Kind {
  Doc,
  Quote,
  Item,
  Para,
  Fence,
  IndentedCode,
  Html,
  /** A heading or thematic break: closed when added. */
  Line,
}

class Block {
  open = true;
  last: Block | undefined = undefined;
  hasChild = false;
  /** Containers above it. */
  depth = 0;
  /** The line it starts at. */
  line = 0;
  /** Item: columns of content indent. Fence: length of the fence. Html comment: offset of the next end mark. */
  width = 0;
  /** Fence: its character. Html: its CommonMark kind (2: a comment; 6: a block tag; 7: a lone tag). */
  fence = 0;
  /**
   * Fence: closed by a closing fence. Html: closed by its end mark. IndentedCode: its last line was lazy
   * (see interrupt). Item: empty, and a blank line followed; the next non-blank line ends it.
   */
  closed = false;
  /** Paragraph: [content start, line end] of each line. */
  lines: number[] = [];
  constructor(
    readonly kind: Kind,
    readonly parent: Block | undefined,
  ) {}
}

const SP = 32;
const TAB = 9;
const isBlank = (c: number) => c === SP || c === TAB;
/** Deeper nesting than this is left to remark. */
const MAX_DEPTH = 48;

/** Characters that may start a block other than a paragraph. */
const MAYBE_SPECIAL = /[#`~*+_=<>0-9-]/;
const ATX = /#{1,6}(?=[ \t\r\n]|$)/y;
const FENCE = /(`{3,}|~{3,})/y;
const THEMATIC = /(?:\*[ \t]*){3,}|(?:_[ \t]*){3,}|(?:-[ \t]*){3,}/y;
const SETEXT = /(?:=+|-+)[ \t]*/y;
const BULLET = /[-+*]|(\d{1,9})[.)]/y;
const TAG_NAME = /<(\/?)([A-Za-z][A-Za-z0-9-]*)/y;
/** CommonMark's open and closing tags (inline: whitespace over lines too; as a block: one line, then spaces). */
const tag = (ws: string, notQuote: string) =>
  `<[A-Za-z][A-Za-z0-9-]*(?:${ws}+[A-Za-z_:][A-Za-z0-9_.:-]*(?:${ws}*=${ws}*(?:[^"'=<>\`\\x00-\\x20]+|'[^'${notQuote}]*'|"[^"${notQuote}]*"))?)*${ws}*\\/?>|<\\/[A-Za-z][A-Za-z0-9-]*${ws}*>`;
const LONE_TAG = new RegExp(`(?:${tag('[ \\t]', '\\r\\n')})[ \\t]*(?=[\\r\\n]|$)`, 'y');
const INLINE_TAG = new RegExp(tag('[ \\t\\r\\n]', ''), 'y');
/** micromark-util-html-tag-name's lists. */
const RAW_NAMES = new Set(['pre', 'script', 'style', 'textarea']);
const BLOCK_NAMES = new Set(
  'address article aside base basefont blockquote body caption center col colgroup dd details dialog dir div dl dt fieldset figcaption figure footer form frame frameset h1 h2 h3 h4 h5 h6 head header hr html iframe legend li link main menu menuitem nav noframes ol optgroup option p param search section summary table tbody td tfoot th thead title tr track ul'.split(' '),
);
const DEFINITION = /\[([^[\]\\\r\n]*)\]:([ \t]*)(\S*)(.*)/y;

class Reader {
  readonly out: SectionSyntax = emptySyntax();
  readonly doc = new Block(Kind.Doc, undefined);
  tip = this.doc;
  oldtip = this.doc;
  lastMatched = this.doc;
  allClosed = true;
  /** The last top-level block. */
  top: Block | undefined;
  line = 0;
  /** Current line: its start, its end (before the line ending). */
  ls = 0;
  le = 0;
  offset = 0;
  nextNonspace = 0;
  indent = 0;
  blank = false;
  /** A run of spaces of the current line [spacesFrom, spacesTo). */
  spacesFrom = -1;
  spacesTo = -1;
  /** The indentation before nextNonspace holds a tab. */
  tab = false;
  /**
   * A container started on this line would interrupt a paragraph or indented code (micromark's
   * `interrupt`, fixed at the start of the line): then a list item may not be empty or start at a number
   * other than 1. True when every open quote and item continued and a paragraph or indented code is open.
   */
  interrupt = false;
  /** Some open quote or item did not continue on this line and none has started (yet). */
  lazy = false;

  constructor(readonly text: string) {}

  read(): SectionSyntax {
    const text = this.text;
    let ls = 0;
    while (ls <= text.length) {
      let nl = text.indexOf('\n', ls);
      if (nl < 0) nl = text.length;
      this.ls = ls;
      this.le = nl > ls && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      if (nl === text.length && ls === nl && ls > 0) break; // (the empty "line" after a final line ending)
      this.incorporate();
      this.line++;
      ls = nl + 1;
    }
    while (this.tip !== this.doc) this.finalize(this.tip);
    const top = this.top;
    this.out.open = !!top && (top.kind === Kind.Fence || top.kind === Kind.Html) && !top.closed;
    return this.out;
  }

  code(i: number): number {
    return i < this.le ? this.text.charCodeAt(i) : -1;
  }

  findNextNonspace(): void {
    let i = this.offset;
    // (Containers consume a line's indentation a little at a time: scan each run of spaces once.)
    if (i >= this.spacesFrom && i <= this.spacesTo) i = this.spacesTo;
    else {
      this.spacesFrom = i;
      while (i < this.le && this.text.charCodeAt(i) === SP) i++;
      this.spacesTo = i;
    }
    this.tab = false;
    if (i < this.le && this.text.charCodeAt(i) === TAB) {
      let j = i;
      while (j < this.le && (this.text.charCodeAt(j) === SP || this.text.charCodeAt(j) === TAB)) j++;
      if (j < this.le) this.tab = true;
      i = j;
    }
    this.nextNonspace = i;
    this.indent = i - this.offset;
    this.blank = i >= this.le;
  }

  incorporate(): void {
    this.offset = this.ls;
    this.oldtip = this.tip;
    let container = this.doc;
    let failedItem = false;
    let containersMatched = true;
    let last: Block | undefined;
    while ((last = container.last) && last.open) {
      container = last;
      this.findNextNonspace();
      let matched = true;
      switch (container.kind) {
        case Kind.Quote:
          if (this.tab) giveUp();
          if (this.indent <= 3 && this.code(this.nextNonspace) === 0x3e /* > */) {
            this.offset = this.nextNonspace + 1;
            const c = this.code(this.offset);
            if (c === SP) this.offset++;
            else if (c === TAB) giveUp();
          } else matched = false;
          break;
        case Kind.Item:
          if (this.blank) {
            if (container.hasChild) this.offset = this.nextNonspace;
            // An item that began with a blank line and has another: blank lines keep it (micromark), the
            // next other line ends it, and so is lazy (CommonMark ends it here; only laziness differs).
            else container.closed = true;
          } else if (container.closed) {
            matched = false;
            failedItem = true;
          } else if (this.tab) giveUp();
          else if (this.indent >= container.width) this.offset += container.width;
          else {
            matched = false;
            failedItem = true;
          }
          break;
        case Kind.Fence:
          if (this.tab) {
            // A tab in the indentation is 4 columns or more at the top level: a content line.
            if (container.parent !== this.doc) giveUp();
            return;
          }
          if (!this.blank && this.indent <= 3 && this.closesFence(container)) {
            container.closed = true;
            this.finalize(container);
            return;
          }
          break;
        case Kind.IndentedCode:
          if (this.tab) {
            if (container.parent !== this.doc) giveUp();
            container.closed = false;
          } else if (this.indent >= 4) {
            this.offset += 4;
            container.closed = false;
          } else if (this.blank) this.offset = this.nextNonspace;
          else matched = false;
          break;
        case Kind.Html:
          // A comment runs to its end mark, blank lines included; the others end at a blank line.
          if (this.blank && container.fence !== 2) {
            matched = false;
            container.closed = this.le < this.text.length; // (as the remark reader judges it: a line ending follows)
          }
          break;
        case Kind.Para:
          if (this.blank) matched = false;
          break;
      }
      if (!matched) {
        if (container.kind === Kind.Quote || container.kind === Kind.Item) containersMatched = false;
        container = container.parent!;
        break;
      }
    }
    // (Indented code whose last line was lazy, one where some container did not continue and none
    // started, does not count: micromark ended the code at that line.)
    const open = this.tip;
    this.interrupt = containersMatched && (open.kind === Kind.Para || (open.kind === Kind.IndentedCode && !open.closed));
    this.lazy = !containersMatched;
    this.allClosed = container === this.oldtip;
    this.lastMatched = container;
    let leaf = container.kind === Kind.Fence || container.kind === Kind.IndentedCode || container.kind === Kind.Html;

    // Block starts.
    while (!leaf) {
      this.findNextNonspace();
      const indented = this.indent >= 4;
      if (this.tab && !this.blank) giveUp();
      // (After an item that ended, its list is open and an indented marker would add an item to it.)
      if (indented && failedItem && this.sticky(BULLET, this.nextNonspace)) giveUp();
      const p = this.nextNonspace;
      const c = this.code(p);
      if (!indented && (c < 0 || !MAYBE_SPECIAL.test(this.text[p]))) {
        this.offset = p;
        break;
      }
      if (indented) {
        if (this.tip.kind !== Kind.Para && !this.blank) {
          this.offset += 4;
          this.closeUnmatched();
          this.add(Kind.IndentedCode).closed = this.lazy; // (see interrupt)
          leaf = true;
        } else this.offset = p;
        break;
      }
      if (c === 0x3e /* > */) {
        this.offset = p + 1;
        const n = this.code(this.offset);
        if (n === SP) this.offset++;
        else if (n === TAB) giveUp();
        this.closeUnmatched();
        container = this.add(Kind.Quote);
        this.lazy = false;
        continue;
      }
      if (c === 0x23 /* # */ && this.sticky(ATX, p)) {
        this.closeUnmatched();
        this.add(Kind.Line);
        this.heading(p, ATX.lastIndex - p);
        return;
      }
      if ((c === 0x60 || c === 0x7e) && this.sticky(FENCE, p)) {
        const len = FENCE.lastIndex - p;
        if (c === 0x60 && this.text.slice(p + len, this.le).includes('`')) giveUp(); // (not a fence: code spans)
        this.closeUnmatched();
        const fence = this.add(Kind.Fence);
        fence.fence = c;
        fence.width = len;
        return;
      }
      if (c === 0x3c /* < */) {
        const kind = this.htmlStart(p, container);
        if (kind) {
          this.closeUnmatched();
          const html = this.add(Kind.Html);
          html.fence = kind;
          this.htmlLine(html, this.offset, p + 4);
          return;
        }
      }
      if ((c === 0x3d || c === 0x2d) && this.tip.kind === Kind.Para && this.wholeLine(SETEXT, p)) {
        // A setext underline: the paragraph it follows becomes a heading. (Not after a lazy line, nor after
        // link reference definitions, where micromark's reading is not one this reader reproduces.)
        const para = this.tip;
        if (container !== para || this.text.charCodeAt(para.lines[0]) === 0x5b /* [ */) giveUp();
        para.open = false;
        this.tip = para.parent!;
        const s = para.lines[0];
        const e = this.trimBlanks(s, para.lines[para.lines.length - 1]);
        pushHeading(c === 0x3d ? 1 : 2, para.line, s, e, this.text, this.out);
        this.inline(s, e);
        return;
      }
      if ((c === 0x2a || c === 0x5f || c === 0x2d) && this.wholeLine(THEMATIC, p)) {
        this.closeUnmatched();
        this.add(Kind.Line);
        return;
      }
      const item = this.listItem(p);
      if (item) {
        container = item;
        this.lazy = false;
        continue;
      }
      this.offset = p;
      break;
    }

    if (!this.allClosed && !this.blank && this.tip.kind === Kind.Para) {
      this.paragraphLine(this.tip); // lazy continuation
      return;
    }
    this.closeUnmatched();
    const tip = this.tip;
    switch (tip.kind) {
      case Kind.Para:
        this.paragraphLine(tip);
        return;
      case Kind.Html:
        if (tip === container) this.htmlLine(tip, this.offset, this.offset);
        return;
      case Kind.Fence:
      case Kind.IndentedCode:
        return;
    }
    if (!this.blank) {
      this.findNextNonspace();
      this.paragraphLine(this.add(Kind.Para));
    }
  }

  sticky(re: RegExp, at: number): boolean {
    re.lastIndex = at;
    const m = re.exec(this.text);
    return !!m && re.lastIndex <= this.le;
  }

  /** Does `re` match from `at` to the end of the line? */
  wholeLine(re: RegExp, at: number): boolean {
    re.lastIndex = at;
    return !!re.exec(this.text) && re.lastIndex === this.le;
  }

  closesFence(fence: Block): boolean {
    const p = this.nextNonspace;
    let q = p;
    while (q < this.le && this.text.charCodeAt(q) === fence.fence) q++;
    return q - p >= Math.max(3, fence.width) && this.skipBlanks(q, this.le) === this.le;
  }

  /** The first offset in [from, to) past spaces and tabs (`to` when there is none). */
  skipBlanks(from: number, to: number): number {
    while (from < to && isBlank(this.text.charCodeAt(from))) from++;
    return from;
  }

  /** `to` moved back over the spaces and tabs that end [from, to). */
  trimBlanks(from: number, to: number): number {
    while (to > from && isBlank(this.text.charCodeAt(to - 1))) to--;
    return to;
  }

  /** A list item starting at `p`, if one does (CommonMark's list marker rules). */
  listItem(p: number): Block | undefined {
    BULLET.lastIndex = p;
    const m = BULLET.exec(this.text);
    if (!m || BULLET.lastIndex > this.le) return undefined;
    const after = BULLET.lastIndex;
    const n = this.code(after);
    if (n === TAB) giveUp();
    if (n !== SP && n !== -1) return undefined;
    let q = after;
    while (q < this.le && this.text.charCodeAt(q) === SP) q++;
    if (q < this.le && this.text.charCodeAt(q) === TAB) giveUp();
    const blankItem = q >= this.le;
    if (this.interrupt && (blankItem || (m[1] !== undefined && m[1] !== '1'))) return undefined;
    const marker = after - p;
    const spaces = q - after;
    const padding = spaces >= 5 || spaces < 1 || blankItem ? marker + 1 : marker + spaces;
    const width = this.indent + padding;
    this.offset = p + Math.min(padding, marker + spaces);
    this.closeUnmatched();
    const item = this.add(Kind.Item);
    item.width = width;
    return item;
  }

  closeUnmatched(): void {
    if (this.allClosed) return;
    while (this.oldtip !== this.lastMatched) {
      const parent = this.oldtip.parent!;
      this.finalize(this.oldtip);
      this.oldtip = parent;
    }
    this.allClosed = true;
  }

  add(kind: Kind): Block {
    while (this.tip.kind >= Kind.Para) this.finalize(this.tip);
    const parent = this.tip;
    const b = new Block(kind, parent);
    if ((b.depth = parent.depth + 1) > MAX_DEPTH) giveUp(); // (each line walks the open containers)
    b.line = this.line;
    parent.last = b;
    parent.hasChild = true;
    if (parent === this.doc) this.top = b;
    if (kind === Kind.Line) b.open = false;
    else this.tip = b;
    return b;
  }

  finalize(b: Block): void {
    b.open = false;
    if (b.kind === Kind.Para) this.paragraph(b.lines);
    else if (b.kind === Kind.Html) pushHtmlBlock(b.lines[0], b.lines[1], this.text, this.out);
    this.tip = b.parent!;
  }

  paragraphLine(para: Block): void {
    let s = this.offset;
    while (s < this.le && this.text.charCodeAt(s) === SP) s++;
    para.lines.push(s, this.le);
  }

  /**
   * The kind of HTML block starting at `p` (CommonMark's 2: a comment; 6: a block tag; 7: a lone
   * complete tag), 0 when none does; gives up on kinds 1, 3, 4 and 5 (raw text, processing
   * instructions, declarations, CDATA) and where a lazy line would decide.
   */
  htmlStart(p: number, container: Block): number {
    const text = this.text;
    if (commentAt(text, p)) return 2;
    const n = this.code(p + 1);
    if (n === 0x21 /* ! */ || n === 0x3f /* ? */) giveUp();
    TAG_NAME.lastIndex = p;
    const m = TAG_NAME.exec(text);
    if (!m || TAG_NAME.lastIndex > this.le) return 0;
    const name = m[2].toLowerCase();
    const after = this.code(TAG_NAME.lastIndex);
    const ends = after === -1 || after === SP || after === TAB || after === 0x3e;
    if (!m[1] && RAW_NAMES.has(name) && (ends || after === 0x2f)) giveUp();
    if (BLOCK_NAMES.has(name) && (ends || after === 0x2f)) {
      if (after === 0x2f && this.code(TAG_NAME.lastIndex + 1) !== 0x3e) giveUp();
      return 6;
    }
    if (!this.wholeLine(LONE_TAG, p)) return 0;
    if (this.tip.kind === Kind.Para || container.kind === Kind.Para) giveUp(); // (can it interrupt? lazy lines decide)
    return 7;
  }

  /** A line of an HTML block from `from`; a comment's end mark is looked for from `search`. */
  htmlLine(html: Block, from: number, search: number): void {
    if (!html.lines.length) html.lines.push(from, this.le);
    else html.lines[1] = this.le;
    if (html.fence !== 2) return;
    // (The next end mark, kept: looking for it from every line of a long comment would be quadratic.)
    if (html.width < search) html.width = this.text.indexOf('-->', search) >>> 0;
    const end = html.width;
    if (end + 3 <= this.le) {
      html.closed = true;
      this.finalize(html);
    }
  }

  /** An ATX heading whose opening sequence of `level` #s starts at `p`. */
  heading(p: number, level: number): void {
    const text = this.text;
    const s = this.skipBlanks(p + level, this.le);
    let e = this.trimBlanks(s, this.le);
    if (e > s && text.charCodeAt(e - 1) === 0x23) {
      let q = e;
      while (q > s && text.charCodeAt(q - 1) === 0x23) q--;
      if (q === s) e = s;
      else if (isBlank(text.charCodeAt(q - 1))) e = this.trimBlanks(s, q);
    }
    if (e <= s) {
      pushHeading(level, this.line, p, p, text, this.out);
      return;
    }
    pushHeading(level, this.line, s, e, text, this.out);
    this.inline(s, e);
  }

  /** A closed paragraph: its leading link reference definitions, then the rest as inline content. */
  paragraph(lines: number[]): void {
    const text = this.text;
    let k = 0;
    while (k < lines.length && text.charCodeAt(lines[k]) === 0x5b /* [ */) {
      const s = lines[k];
      const e = lines[k + 1];
      DEFINITION.lastIndex = s;
      const m = DEFINITION.exec(text);
      if (!m || DEFINITION.lastIndex !== e) {
        if (text.slice(s, lines[lines.length - 1]).includes(']:')) giveUp(); // (a label or destination over lines)
        break;
      }
      const [, label, , dest, rest] = m;
      if (!label.trim() || label.length > 999 || !dest || /[<>()\\&"'`]/.test(dest)) giveUp();
      if (!/^(?:[ \t]*|[ \t]+(?:"[^"\\]*"|'[^'\\]*')[ \t]*)$/.test(rest)) giveUp();
      const next = lines[k + 2];
      if (next !== undefined && /["'(]/.test(text[next])) giveUp(); // (a title on the next line)
      link(dest, s, e, text, ']:', this.out.links);
      k += 2;
    }
    if (k < lines.length) this.inline(lines[k], lines[lines.length - 1]);
  }

  /** The inline content [s, e) of a paragraph or heading: one prose segment, its links and anchors. */
  inline(s: number, e: number): void {
    const masks: number[] = [];
    scanInline(this.text, s, e, masks, this.out.links, this.out.anchors);
    pushSegment(s, e, masks, this.text, this.out);
  }
}

interface Opener {
  pos: number;
  image: boolean;
  /** masks.length, links.length and anchors.length when pushed (an image drops what its description held). */
  masks: number;
  links: number;
  anchors: number;
}

/** The characters the inline scan stops at: \ ` < ! [ ] */
const SPECIAL = new Uint8Array(128);
for (const ch of '\\`<![]') SPECIAL[ch.charCodeAt(0)] = 1;
const AUTOLINK = /<[A-Za-z][A-Za-z0-9+.-]{1,31}:[^\x00-\x20<>\x7f]*>/y;
const EMAIL = /<[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*>/y;

/** Does an HTML comment start at `at`? Gives up on `<!-->` and `<!--->`, which end where they start. */
function commentAt(text: string, at: number): boolean {
  if (!text.startsWith('<!--', at)) return false;
  const n = text.charCodeAt(at + 4);
  if (n === 0x3e || (n === 0x2d && text.charCodeAt(at + 5) === 0x3e)) giveUp();
  return true;
}

function isPunctuation(c: number): boolean {
  return (c >= 0x21 && c <= 0x2f) || (c >= 0x3a && c <= 0x40) || (c >= 0x5b && c <= 0x60) || (c >= 0x7b && c <= 0x7e);
}

function matchAt(re: RegExp, text: string, at: number, end: number): number {
  re.lastIndex = at;
  return re.exec(text) && re.lastIndex <= end ? re.lastIndex : -1;
}

/**
 * Code spans, autolinks and comments (as masks), links and images (masks over `](destination)`, and the
 * destinations) in the inline content [s, e), left to right with CommonMark's bracket stack.
 */
function scanInline(text: string, s: number, e: number, masks: number[], links: BodyLink[], anchors: string[]): void {
  const stack: Opener[] = [];
  // Link openers below `floor` are inactive (a link formed after them: links do not nest); `active`
  // counts the link openers at or above it. (Constant time per bracket: no walks of the stack.)
  let floor = 0;
  let active = 0;
  /** Backtick run lengths with no run of that length after where they were looked for. */
  let noCloser: Set<number> | undefined;
  let i = s;
  while (i < e) {
    const c = text.charCodeAt(i);
    if (c >= 128 || !SPECIAL[c]) {
      i++;
      continue;
    }
    if (c === 0x5c /* \ */) {
      i += i + 1 < e && isPunctuation(text.charCodeAt(i + 1)) ? 2 : 1;
    } else if (c === 0x60 /* ` */) {
      let j = i;
      while (j < e && text.charCodeAt(j) === 0x60) j++;
      const n = j - i;
      let close = -1;
      if (!noCloser?.has(n)) {
        for (let b = j; b < e; b++) {
          if (text.charCodeAt(b) !== 0x60) continue;
          let r = b + 1;
          while (r < e && text.charCodeAt(r) === 0x60) r++;
          if (r - b === n) {
            close = b;
            break;
          }
          b = r;
        }
        if (close < 0) (noCloser ??= new Set()).add(n);
      }
      if (close >= 0) {
        masks.push(i, close + n);
        i = close + n;
      } else i = j;
    } else if (c === 0x3c /* < */) {
      if (commentAt(text, i)) {
        const end = text.indexOf('-->', i + 4);
        if (end < 0 || end + 3 > e) giveUp();
        masks.push(i, end + 3);
        i = end + 3;
        continue;
      }
      const end = Math.max(matchAt(AUTOLINK, text, i, e), matchAt(EMAIL, text, i, e));
      if (end > 0) {
        if (active) giveUp(); // (an autolink in link text)
        masks.push(i, end);
        i = end;
        continue;
      }
      const n = text.charCodeAt(i + 1);
      if (n === 0x21 /* ! */ || n === 0x3f /* ? */) giveUp(); // declarations, processing instructions, CDATA
      const tagEnd = matchAt(INLINE_TAG, text, i, e);
      if (tagEnd > 0) {
        const tag = text.slice(i, tagEnd);
        if (/[\r\n]/.test(tag)) giveUp(); // (a tag over lines: in a block quote the remark reader sees it without the > marks)
        for (const a of tag.matchAll(ANCHOR)) anchors.push(a[1]);
        i = tagEnd;
      } else i++;
    } else if (c === 0x21 /* ! */) {
      if (i + 1 < e && text.charCodeAt(i + 1) === 0x5b) {
        stack.push({ pos: i, image: true, masks: masks.length, links: links.length, anchors: anchors.length });
        i += 2;
      } else i++;
    } else if (c === 0x5b /* [ */) {
      stack.push({ pos: i, image: false, masks: masks.length, links: links.length, anchors: anchors.length });
      active++;
      i++;
    } else {
      // ]
      const op = stack.pop();
      if (!op) {
        i++;
        continue;
      }
      const inactive = !op.image && stack.length < floor;
      if (!op.image && !inactive) active--;
      if (floor > stack.length) floor = stack.length;
      if (inactive) {
        i++;
        continue;
      }
      const res = text.charCodeAt(i + 1) === 0x28 /* ( */ ? resource(text, i + 2, e) : undefined;
      if (res) {
        const [url, ne] = res;
        if (op.image) {
          masks.length = op.masks;
          links.length = op.links;
          anchors.length = op.anchors;
          const labelEnd = text.indexOf('](', op.pos + 2); // (as the remark reader finds it)
          if (labelEnd >= 0 && labelEnd < ne) {
            link(url, labelEnd, ne, text, '](', links);
            masks.push(labelEnd, ne);
          }
        } else {
          link(url, i, ne, text, '](', links);
          masks.push(i, ne);
          floor = stack.length;
          active = 0;
        }
        i = ne;
        continue;
      }
      // A reference link or text, as definitions (which this reader does not see) decide. Either way
      // it yields nothing, unless it decides whether an outer link exists or its text is read.
      if (active) giveUp();
      if (op.image && /[`<[\]\\!]/.test(text.slice(op.pos + 2, i))) giveUp();
      if (text.charCodeAt(i + 1) === 0x5b /* [ */) {
        const close = text.indexOf(']', i + 2);
        if (close >= 0 && close < e) {
          if (/[`<[\\!]/.test(text.slice(i + 2, close))) giveUp();
          const after = text.charCodeAt(close + 1);
          if (after === 0x28 || after === 0x5b) giveUp();
          i = close + 1;
          continue;
        }
      }
      i++;
    }
  }
}

/** An inline link's `(destination "title")` from `p` (after the `(`): [url, end after `)`], or undefined when there is none. */
function resource(text: string, p: number, e: number): [string, number] | undefined {
  let q = p;
  const spaces = () => {
    while (q < e && (text.charCodeAt(q) === SP || text.charCodeAt(q) === TAB)) q++;
    if (q < e && (text.charCodeAt(q) === 10 || text.charCodeAt(q) === 13)) giveUp(); // (whitespace over lines)
  };
  spaces();
  if (q >= e) return undefined;
  let c = text.charCodeAt(q);
  if (c === 0x29 /* ) */) return ['', q + 1];
  if (c === 0x3c || c === 0x22 || c === 0x27 || c === 0x28) giveUp(); // <destination>, or a title or ( first
  const ds = q;
  let depth = 0;
  for (; q < e; q++) {
    c = text.charCodeAt(q);
    if (c === SP || c === TAB || c === 10 || c === 13) break;
    if (c < 0x20 || c === 0x7f || c === 0x5c || c === 0x26 || c === 0x60 || c === 0x3c) giveUp(); // control, \, &, `, <
    if (c === 0x28) {
      if (++depth > 32) giveUp();
    } else if (c === 0x29) {
      if (depth === 0) break;
      depth--;
    }
  }
  if (depth !== 0) giveUp();
  const url = text.slice(ds, q);
  spaces();
  if (q >= e) return undefined;
  c = text.charCodeAt(q);
  if (c === 0x29) return [url, q + 1];
  if (c === 0x22 || c === 0x27) {
    const te = text.indexOf(text[q], q + 1);
    if (te < 0 || te >= e || /[\\\r\n]/.test(text.slice(q + 1, te))) giveUp();
    q = te + 1;
    spaces();
    if (q < e && text.charCodeAt(q) === 0x29) return [url, q + 1];
    return undefined;
  }
  if (c === 0x28) giveUp();
  return undefined;
}
