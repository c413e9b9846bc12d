/**
 * The message encoder of --stdio (server.ts connectionFromArgv): the bytes JSON.stringify would give,
 * but a publishDiagnostics is assembled from each diagnostic's JSON, kept per diagnostic object. A keystroke in a
 * file with 3,000 findings changes a few of them; the diagnostics of the rest are the same objects (server.ts
 * cachedDiagnostic), so their text is not serialised again: the message is a copy of kept bytes (about 20 times less
 * work than stringifying 1.5 MB of objects, and far less garbage). Node's IPC channel (the VS Code client's
 * default transport) serialises messages itself and does not use this.
 */
import type { Message } from 'vscode-languageserver/node';
import { KeptInOrder } from '../core/chunks';

/** A diagnostic's JSON: its bytes, or (one moved by a line break: movedParts) the text up to its range's end and the kept rest. */
type Parts = Buffer | { head: string; tail: Buffer };

/** The JSON of each diagnostic sent outside runs (diagnostics are never mutated once made: server.ts makes each once per finding). */
const bytesOf = new WeakMap<object, Parts>();

/**
 * The JSON of a diagnostic: kept, or made (movedParts, else JSON.stringify) and kept per diagnostic when `keep` (a
 * diagnostic of a run is not kept: its run's bytes are, runBytesOf).
 */
function diagnosticParts(d: unknown, keep: boolean): Parts {
  if (typeof d !== 'object' || d === null) return Buffer.from(JSON.stringify(d) ?? 'null');
  let p = bytesOf.get(d);
  if (p === undefined) {
    p = movedParts(d as Record<string, unknown>) ?? Buffer.from(JSON.stringify(d));
    if (keep) bytesOf.set(d, p);
  }
  return p;
}

/** JSON.stringify of a range as the core makes them (exactly start and end, each exactly line and character, integers), else undefined. */
function rangeJson(r: unknown): string | undefined {
  const x = r as { start?: { line?: unknown; character?: unknown }; end?: { line?: unknown; character?: unknown } } | null;
  if (typeof x !== 'object' || x === null || typeof x.start !== 'object' || typeof x.end !== 'object' || x.start === null || x.end === null) return undefined;
  const { start, end } = x;
  if (!Number.isSafeInteger(start.line) || !Number.isSafeInteger(start.character) || !Number.isSafeInteger(end.line) || !Number.isSafeInteger(end.character)) return undefined;
  if (!keysAre(x, RANGE_KEYS) || !keysAre(start, POSITION_KEYS) || !keysAre(end, POSITION_KEYS)) return undefined;
  return `{"start":{"line":${start.line},"character":${start.character}},"end":{"line":${end.line},"character":${end.character}}}`;
}

/**
 * What follows the range in the JSON of a diagnostic as server.ts makes them (range, severity, code, codeDescription,
 * source, message: in that order, nothing else), by message. A line break moves every later finding: its diagnostic is
 * a new object, but only its range is new text; the rest is copied from the JSON of the last one with that message.
 */
const tails = new Map<string, { severity: unknown; code: unknown; href: unknown; source: unknown; bytes: Buffer }>();
const TAILS_MAX = 100_000;
const SHAPE_KEYS = ['range', 'severity', 'code', 'codeDescription', 'source', 'message'];
const RANGE_KEYS = ['start', 'end'];
const POSITION_KEYS = ['line', 'character'];
const HREF_KEYS = ['href'];

/** Are `keys` the enumerable keys of `o`, in that order (without allocating: this runs per diagnostic)? */
function keysAre(o: object, keys: readonly string[]): boolean {
  let i = 0;
  for (const k in o) if (k !== keys[i++]) return false;
  return i === keys.length;
}

/** A diagnostic of server.ts's shape as the JSON up to its range's end (ASCII) and the kept rest; undefined for other shapes. */
function movedParts(d: Record<string, unknown>): { head: string; tail: Buffer } | undefined {
  const message = d.message;
  const cd = d.codeDescription as Record<string, unknown> | undefined;
  if (typeof message !== 'string' || typeof cd !== 'object' || cd === null || !keysAre(cd, HREF_KEYS) || !keysAre(d, SHAPE_KEYS)) return undefined;
  const { severity, code, source } = d;
  const href = cd.href;
  let t = tails.get(message);
  if (!t || t.severity !== severity || t.code !== code || t.href !== href || t.source !== source) {
    const json = JSON.stringify({ severity, code, codeDescription: { href }, source, message });
    if (tails.size >= TAILS_MAX) tails.clear();
    tails.set(message, (t = { severity, code, href, source, bytes: Buffer.from(`,${json.slice(1)}`) }));
  }
  const range = rangeJson(d.range);
  return range ? { head: `{"range":${range}`, tail: t.bytes } : undefined;
}

/**
 * The runs a list of diagnostics was made of (server.ts diagnosticsOfRuns: each run the same array while its findings
 * neither change nor move), noted by the server before it sends the list: the JSON of a run is kept with its array, and
 * a publish copies one piece per run.
 */
const runsOfList = new WeakMap<readonly unknown[], readonly (readonly unknown[])[]>();
/** Each document's runs at its last publish with their JSON (by URI; dropped at a publish without runs). */
const keptBytes = new Map<string, KeptInOrder<readonly unknown[], Buffer>>();

/** Notes that `list` is the concatenation of `runs`, in order (each run non-empty, never mutated). */
export function noteRuns(list: readonly unknown[], runs: readonly (readonly unknown[])[]): void {
  runsOfList.set(list, runs);
}

/** The JSON of a run's diagnostics, joined by commas, in one buffer. */
function runBytesOf(run: readonly unknown[]): Buffer {
  const parts = run.map((d) => diagnosticParts(d, false));
  let total = run.length - 1;
  for (const p of parts) total += Buffer.isBuffer(p) ? p.length : p.head.length + p.tail.length;
  const b = Buffer.allocUnsafe(total);
  let at = 0;
  parts.forEach((p, i) => {
    if (i) b[at++] = 44; // ,
    if (Buffer.isBuffer(p)) at += p.copy(b, at);
    else {
      at += b.write(p.head, at, 'latin1');
      at += p.tail.copy(b, at);
    }
  });
  return b;
}

const EMPTY = '"diagnostics":[]';
const COMMA = Buffer.from(',');

/** The UTF-8 bytes of JSON.stringify(msg). */
export function messageBytes(msg: Message): Buffer {
  const m = msg as { method?: unknown; params?: { diagnostics?: unknown; uri?: unknown } };
  const diagnostics = m.params?.diagnostics;
  const uri = typeof m.params?.uri === 'string' ? m.params.uri : '';
  const runs = Array.isArray(diagnostics) ? runsOfList.get(diagnostics) : undefined;
  if (m.method === 'textDocument/publishDiagnostics' && !runs) keptBytes.delete(uri);
  if (m.method !== 'textDocument/publishDiagnostics' || !Array.isArray(diagnostics) || diagnostics.length === 0) return Buffer.from(JSON.stringify(msg));
  // The message with an empty list, then the list put in its place: a key "diagnostics" followed by [] cannot occur
  // inside a JSON string (its quotes would be escaped), and params' own key is the last one of that text. The kept
  // bytes are copied once (Buffer.concat): joining strings and encoding the result is 10-20 times slower.
  const head = JSON.stringify({ ...m, params: { ...m.params, diagnostics: [] } });
  const at = head.lastIndexOf(EMPTY) + EMPTY.length - 1;
  if (runs) {
    let kept = keptBytes.get(uri);
    if (!kept) keptBytes.set(uri, (kept = new KeptInOrder()));
    const bytes = kept.map(runs, (run, old) => old ?? runBytesOf(run));
    // (A list of its final length: the head, each run's bytes with a comma between, the tail.)
    const parts: Buffer[] = new Array(2 * bytes.length + 1);
    parts[0] = Buffer.from(head.slice(0, at));
    let n = 1;
    for (let i = 0; i < bytes.length; i++) {
      if (i) parts[n++] = COMMA;
      parts[n++] = bytes[i];
    }
    parts[n] = Buffer.from(head.slice(at));
    return Buffer.concat(parts);
  }
  const parts: Buffer[] = [Buffer.from(head.slice(0, at))];
  for (let i = 0; i < diagnostics.length; i++) {
    if (i) parts.push(COMMA);
    const p = diagnosticParts(diagnostics[i], true);
    if (Buffer.isBuffer(p)) parts.push(p);
    else parts.push(Buffer.from(p.head, 'latin1'), p.tail);
  }
  parts.push(Buffer.from(head.slice(at)));
  return Buffer.concat(parts);
}

/** vscode-jsonrpc's ContentTypeEncoder for application/json with messageBytes (UTF-8, as the library's default). */
export const jsonEncoder = {
  name: 'application/json',
  encode(msg: Message, options: { charset: BufferEncoding }): Promise<Uint8Array> {
    try {
      return Promise.resolve(options.charset === 'utf-8' || options.charset === 'utf8' ? messageBytes(msg) : Buffer.from(JSON.stringify(msg), options.charset));
    } catch (e) {
      return Promise.reject(e);
    }
  },
};
