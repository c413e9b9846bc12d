/**
 * Where the cursor stands in block YAML, read from the lines around it (no parse: it runs on every
 * completion request and must work on half-typed text that does not parse).
 */
import type { LineIndex } from '../text';

export type YamlContext =
  | {
      kind: 'key';
      /** Keys of the enclosing mappings, outermost first; '-' for a sequence item. */
      path: string[];
      /** What is typed of the key so far and where it starts. */
      prefix: string;
      start: number;
      /** Keys already present in the same mapping. */
      siblings: Set<string>;
    }
  | {
      kind: 'value';
      path: string[];
      key: string;
      prefix: string;
      start: number;
      /** Inside a flow list `[a, b, |` or a block list item `- |` of the key. */
      inList: boolean;
    };

const KEY_LINE = /^(\s*)(-\s+)?([A-Za-z_][\w.-]*)\s*:(?:\s|$)/;

function indentOf(s: string): number {
  return s.search(/\S/);
}

function isSkippable(s: string): boolean {
  const t = s.trim();
  return t === '' || t.startsWith('#');
}

/**
 * The keys that enclose column `indent` at `line`, outermost first. A `- key:` line contributes '-'
 * then `key` when it encloses the position.
 */
export function enclosingPath(lines: LineIndex, line: number, indent: number, firstLine = 0, maxBack = 2000): string[] {
  const path: string[] = [];
  let want = indent;
  for (let l = line - 1; l >= firstLine && l >= line - maxBack && want > 0; l--) {
    const t = lines.lineText(l);
    if (isSkippable(t)) continue;
    const ind = indentOf(t);
    const m = /^(\s*)(-\s+)?(?:([A-Za-z_][\w.-]*)\s*:)?/.exec(t)!;
    if (m[2] && ind + m[2].length <= want && ind < want) {
      // "- key: v" : the item's own mapping starts at ind + 2.
      if (ind + m[2].length < want && m[3]) path.unshift(m[3]);
      path.unshift('-');
      want = ind;
      continue;
    }
    if (ind < want && m[3]) {
      path.unshift(m[3]);
      want = ind;
    }
  }
  return path;
}

/** Keys present in the mapping whose entries sit at column `indent` around `line`. */
export function siblingKeys(lines: LineIndex, line: number, indent: number, firstLine = 0, lastLine = lines.lineCount - 1): Set<string> {
  const out = new Set<string>();
  const scan = (l: number): 'stop' | 'go' => {
    const t = lines.lineText(l);
    if (isSkippable(t)) return 'go';
    const m = KEY_LINE.exec(t);
    const ind = indentOf(t);
    const keyCol = m ? ind + (m[2]?.length ?? 0) : ind;
    if (m && keyCol === indent) {
      out.add(m[3]);
      // A "- key:" line at this column starts this item: stop there when walking up.
      return m[2] ? 'stop' : 'go';
    }
    if (ind < indent || (ind === indent && t.trimStart().startsWith('-'))) return 'stop';
    return 'go';
  };
  for (let l = line - 1; l >= firstLine; l--) if (scan(l) === 'stop') break;
  for (let l = line + 1; l <= lastLine; l++) {
    const t = lines.lineText(l);
    if (!isSkippable(t) && (indentOf(t) < indent || (indentOf(t) === indent && t.trimStart().startsWith('-')))) break;
    scan(l);
  }
  return out;
}

/** The context at `offset`, in YAML that spans lines [firstLine, lastLine]. */
export function yamlContext(lines: LineIndex, offset: number, firstLine = 0, lastLine = lines.lineCount - 1): YamlContext | undefined {
  const pos = lines.positionAt(offset);
  if (pos.line < firstLine || pos.line > lastLine) return undefined;
  const lineStart = lines.lineStarts[pos.line];
  const before = lines.source.slice(lineStart, offset);
  if (/(^|\s)#/.test(before.replace(/"[^"]*"|'[^']*'/g, ''))) return undefined; // in a comment

  // "  - key" or "  key" being typed at the start of an entry.
  const k = /^(\s*)(-\s+)?([A-Za-z_][\w.-]*)?$/.exec(before);
  if (k) {
    const indent = k[1].length + (k[2]?.length ?? 0);
    // "- foo" under a "key:" whose value is a block list is a list value, not a key.
    if (k[2]) {
      const owner = listOwner(lines, pos.line, k[1].length, firstLine);
      if (owner) {
        const path = enclosingPath(lines, pos.line, k[1].length, firstLine);
        if (path[path.length - 1] === owner) path.pop(); // "key:\n  - item": the key is the owner, not a parent
        return { kind: 'value', path, key: owner, prefix: k[3] ?? '', start: offset - (k[3]?.length ?? 0), inList: true };
      }
    }
    // A "- " line starts a new item: its parents are those of the dash's column.
    const path = enclosingPath(lines, pos.line, k[2] ? k[1].length : indent, firstLine);
    if (k[2]) path.push('-');
    // A new item's siblings are below its dash only; the item above is another mapping.
    const siblings = siblingKeys(lines, pos.line, indent, k[2] ? pos.line : firstLine, lastLine);
    return { kind: 'key', path, prefix: k[3] ?? '', start: offset - (k[3]?.length ?? 0), siblings };
  }
  // "  key: val" or "  key: [a, b" : a value.
  const v = /^(\s*)(-\s+)?([A-Za-z_][\w.-]*)\s*:\s*(.*)$/.exec(before);
  if (v) {
    const indent = v[1].length + (v[2]?.length ?? 0);
    const path = enclosingPath(lines, pos.line, v[2] ? v[1].length : indent, firstLine);
    if (v[2]) path.push('-');
    const rest = v[4];
    const flow = /^\[([^\]]*)$/.exec(rest);
    if (flow) {
      const item = /[^,\s["']*$/.exec(flow[1])![0];
      return { kind: 'value', path, key: v[3], prefix: item, start: offset - item.length, inList: true };
    }
    if (/[\]{}|>]/.test(rest[0] ?? '')) return undefined;
    const prefix = rest.replace(/^["']/, '');
    return { kind: 'value', path, key: v[3], prefix, start: offset - prefix.length, inList: false };
  }
  return undefined;
}

/** For "- item" at column `dashCol`, the key of the block list it belongs to (`key:` with nothing after). */
function listOwner(lines: LineIndex, line: number, dashCol: number, firstLine: number): string | undefined {
  for (let l = line - 1; l >= firstLine && l >= line - 2000; l--) {
    const t = lines.lineText(l);
    if (isSkippable(t)) continue;
    const ind = indentOf(t);
    if (ind === dashCol && t.trimStart().startsWith('-')) {
      // Another item of the same list: is it a scalar item ("- x") or a mapping item ("- key: v")?
      if (KEY_LINE.test(t)) return undefined;
      continue;
    }
    if (ind > dashCol) continue;
    const m = /^\s*(?:-\s+)?([A-Za-z_][\w.-]*)\s*:\s*(?:#.*)?$/.exec(t);
    return m ? m[1] : undefined;
  }
  return undefined;
}
