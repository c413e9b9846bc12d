/**
 * The fast YAML reader against the yaml library: for every input, either the reader declines (returns
 * undefined) or its node tree equals parseDocument's, node by node (class, range, value, type, source,
 * format, flow, pairs, in order). Inputs: every chunk of the bench inventory and of the fixture and
 * example files, seeded generated documents around the edges of the subset, mutations of real chunks,
 * random strings. Comments are left out of the comparison: the reader does not attach them (nothing
 * reads them).
 */
import * as assert from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { server, ROOT } from './helpers/root';
import { prng } from './helpers/prng';

const { fastParseDocument, PARSE_OPTIONS } = server('core/lang/fast-yaml.js');
const { splitInventory } = server('core/lang/inventory.js');
const yaml = require(path.join(ROOT, 'node_modules', 'yaml'));

/** Fields the reader does not set, by design. */
const UNSET = new Set(['comment', 'commentBefore', 'spaceBefore']);

/** The first difference between two values (nodes compared by class and own enumerable fields), or undefined. */
function difference(a: any, b: any, at: string): string | undefined {
  if (Object.is(a, b)) return undefined;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return `${at}: ${String(a)} !== ${String(b)}`;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return `${at}: ${a.constructor?.name} !== ${b.constructor?.name}`;
  if (Array.isArray(a)) {
    if (a.length !== b.length) return `${at}: length ${a.length} !== ${b.length}`;
    for (let i = 0; i < a.length; i++) {
      const d = difference(a[i], b[i], `${at}[${i}]`);
      if (d) return d;
    }
    return undefined;
  }
  const ka = Object.keys(a).filter((k) => !UNSET.has(k)).sort();
  const kb = Object.keys(b).filter((k) => !UNSET.has(k)).sort();
  if (ka.join() !== kb.join()) return `${at}: fields ${ka.join()} !== ${kb.join()}`;
  for (const k of ka) {
    const d = difference(a[k], b[k], `${at}.${k}`);
    if (d) return d;
  }
  return undefined;
}

/** The library's nodes in `visit` order, as path strings. */
function visited(doc: any): string[] {
  const out: string[] = [];
  yaml.visit(doc, (key: unknown, node: any, p: readonly unknown[]) => {
    out.push(`${p.length}:${String(key)}:${node?.constructor?.name}:${node?.range ?? ''}`);
  });
  return out;
}

/** Undefined when the reader declines or agrees with the library; else what differs. Counts coverage in `stats`. */
function disagreement(text: string, stats?: { covered: number }): string | undefined {
  const fast = fastParseDocument(text);
  if (!fast) return undefined;
  if (stats) stats.covered++;
  const lib = yaml.parseDocument(text, PARSE_OPTIONS);
  if (lib.errors.length || lib.warnings.length) return `the library reports ${[...lib.errors, ...lib.warnings].map((e: any) => e.code).join(', ')}`;
  if (fast.errors.length || fast.warnings.length) return 'errors or warnings set';
  return difference(fast.contents, lib.contents, 'contents') ?? difference(fast.range, lib.range, 'range');
}

function assertAgrees(text: string, label: string, stats?: { covered: number }): void {
  const d = disagreement(text, stats);
  assert.strictEqual(d, undefined, `${label}: ${d}\n${JSON.stringify(text)}`);
}

function chunksOf(text: string): string[] {
  return splitInventory(text).map((c: { start: number; end: number }) => text.slice(c.start, c.end));
}

function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...yamlFiles(p));
    else if (/\.ya?ml$/.test(e.name)) out.push(p);
  }
  return out.sort();
}

// ------------------------------------------------------------------------------------------ generated

const KEYS = ['id', 'name', 'owner', 'type', 'controls', 'used_by', 'a', 'b b', 'x-y', 'k_1', 'é', '日本', 'a:b', 'a#b', '-a', 'a]', 'a,b', 'a{', 'a.b'];
const ODD_KEYS = ['"q"', "'q'", '"a b"', '"k\\n"', "'it''s'", '1', 'true', 'null', '~', '0x1', '<<', '? k', '- k', 'k ', ''];
const PLAIN = [
  'svc-1', 'hello world', 'true', 'True', 'TRUE', 'tRUE', 'false', 'FaLse', 'yes', 'no', 'null', 'Null', 'NULL', '~', 'nul', '0', '-0',
  '+1', '012', '0o17', '0o8', '0x1F', '0xg', '0x', '1.5', '1.50', '1.', '.5', '-.5', '1e3', '1.0e-3', '1e', 'e3', '.inf', '-.Inf',
  '+.INF', '.nan', '.NaN', 'NaN', '1_000', '+', '.', '-.', '2026-09-01', '2026-9-1', '12:30', 'P90D', 'a:b', 'a#b', 'e3#c',
  'CSF:PR.AA-01', 'http://x.example/a?b=c#d', '-5', "it's", 'say "hi"', '9999999999999999999', '1e400', 'a b  c',
];
const ODD_PLAIN = ['a #b', 'x: y', '- 5', '-', '?x', ':x', '%x', '@x', '`x', '|', '>-', '!x', '&a x', '*a', '!!str x', 'a, b', '[x]', '{x}', 'x]', '{a: 1}', '[a, [b]]', '? x', ''];
const QUOTED = [
  '"a"', '"a b"', '""', "''", "'a''b'", '"a\\"b"', '"a\\\\"', '"\\n\\t\\/"', '"\\x41"', '"\\u00e9"', '"\\U0001F600"', '"\\uD800"', '"\\q"',
  '"\\x4"', '"a', "'a", '"a"b', "'it''s'", '"#x"', "'a: b'", '"true"', "'1'", '"\\0\\a\\b\\e\\f\\r\\v\\N\\_\\L\\P\\ "', '"a"  ',
  '"a" # c', '"a"#c', '"a":', "'a''", '"\\U00110000"',
];

/** Random YAML around the subset's edges; `clean` documents stay mostly inside it. */
function generator(rand: () => number) {
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rand() * a.length)];
  const chance = (p: number) => rand() < p;
  let clean = false;
  let triv = 0.15;
  const scalar = (): string => {
    const r = rand();
    if (r < 0.55) return clean || chance(0.8) ? pick(PLAIN) : pick(ODD_PLAIN);
    if (r < 0.8) return pick(QUOTED);
    if (r < 0.95 || clean) return flow();
    return pick(ODD_PLAIN);
  };
  const flow = (): string => {
    const sp = () => (chance(0.3) ? pick(['', ' ', '  ']) : '');
    const items: string[] = [];
    for (let i = Math.floor(rand() * 4); i > 0; i--) items.push(chance(0.7) ? pick(PLAIN) : pick(QUOTED));
    let s = '[' + sp() + items.map((x) => x + sp()).join(',' + (chance(0.8) ? ' ' : '') + sp()) + (chance(0.05) ? ',' : '') + ']';
    if (chance(0.4)) {
      // A flow map (an inventory's `defaults: { review_cadence: quarterly }`), at times with odd keys, empty or nested values.
      const pairs: string[] = [];
      for (let i = Math.floor(rand() * 4); i > 0; i--) {
        const k = chance(0.85) ? pick(KEYS) : pick(ODD_KEYS);
        const v = chance(0.05) ? '' : chance(0.05) ? pick(['[a]', '{b: c}', '{}', '[]']) : chance(0.7) ? pick(PLAIN) : chance(0.9) ? pick(QUOTED) : pick(ODD_PLAIN);
        pairs.push(k + (chance(0.05) ? pick([' :', ':']) : ':') + (v === '' ? pick(['', ' ']) : pick([' ', ' ', '  ']) + v) + sp());
      }
      s = '{' + sp() + pairs.join(',' + (chance(0.8) ? ' ' : '') + sp()) + (chance(0.05) ? ',' : '') + '}';
    }
    if (chance(0.03)) s = s.slice(0, -1);
    return s;
  };
  const key = () => (clean || chance(0.9) ? pick(KEYS) : pick(ODD_KEYS));
  const trail = () => (chance(triv) ? pick([' # c', '   # comment: x', '#c', ' #', ' ']) : '') + (chance(0.05) ? '  ' : '');
  const trivia = (out: string[], maxIndent: number) => {
    while (chance(triv)) {
      if (chance(0.5)) out.push(' '.repeat(chance(0.7) ? 0 : Math.floor(rand() * 4)));
      else out.push(' '.repeat(Math.floor(rand() * (maxIndent + 5))) + pick(['# c', '#', '# - x: y', '#: a']));
    }
  };
  const map = (out: string[], col: number, first: string | undefined, depth: number) => {
    const used: string[] = [];
    for (let i = 0, n = 1 + Math.floor(rand() * 5); i < n; i++) {
      let k = key();
      if (used.includes(k) && chance(0.9)) k += i;
      used.push(k);
      value(out, (i === 0 && first !== undefined ? first : ' '.repeat(col)) + k + ':', col, depth);
      trivia(out, col);
    }
  };
  const value = (out: string[], head: string, col: number, depth: number) => {
    const r = rand();
    if (depth < 4 && r < 0.2) {
      out.push(head + trail());
      trivia(out, col);
      const inner = col + pick([1, 2, 2, 4]);
      if (chance(0.5)) map(out, inner, undefined, depth + 1);
      else seq(out, chance(0.3) ? col : inner, depth + 1);
    } else if (r < 0.3) out.push(head + (chance(0.5) ? '' : pick([' ', '   '])) + trail());
    else out.push(head + pick([' ', ' ', '  ']) + scalar() + trail());
  };
  const seq = (out: string[], col: number, depth: number) => {
    for (let i = 0, n = 1 + Math.floor(rand() * 4); i < n; i++) {
      const dash = ' '.repeat(col) + '-' + pick([' ', ' ', '  ']);
      const r = rand();
      if (depth < 4 && r < 0.5) map(out, dash.length, dash, depth + 1);
      else if (r < 0.6) out.push(' '.repeat(col) + '-' + trail());
      else out.push(dash + scalar() + trail());
      trivia(out, col);
    }
  };
  return (): string => {
    clean = chance(0.6);
    triv = pick([0.05, 0.15, 0.3, 0.5]);
    const out: string[] = [];
    trivia(out, 2);
    if (chance(0.6)) seq(out, pick([0, 2, 2, 4]), 0);
    else map(out, pick([0, 0, 2]), undefined, 0);
    if (!clean && chance(0.05)) out.splice(Math.floor(rand() * out.length), 0, pick(['---', '...', '%YAML 1.2', '\tx: 1', 'a:\tb', '  more text', '? x', ': y']));
    return out.join(chance(0.2) ? '\r\n' : '\n') + (chance(0.7) ? '\n' : '');
  };
}

const INSERTS = [' ', ':', '#', '-', '"', "'", '[', ']', ',', '\n', '\r\n', '\t', 'x', '1', '.', '&', '*', '!', '|', '{', '  ', '\r', '\\', '\u2028'];

/** One to three random edits: a character inserted, a few deleted, a line duplicated or re-indented. */
function mutate(rand: () => number, text: string): string {
  let t = text;
  for (let k = 1 + Math.floor(rand() * 3); k > 0; k--) {
    const p = Math.floor(rand() * (t.length + 1));
    const r = rand();
    if (r < 0.4) t = t.slice(0, p) + INSERTS[Math.floor(rand() * INSERTS.length)] + t.slice(p);
    else if (r < 0.7) t = t.slice(0, p) + t.slice(p + 1 + Math.floor(rand() * 3));
    else {
      const lines = t.split('\n');
      const j = Math.floor(rand() * lines.length);
      if (rand() < 0.5) lines.splice(j, 0, lines[j]);
      else lines[j] = ' '.repeat(Math.floor(rand() * 6)) + lines[j].trimStart();
      t = lines.join('\n');
    }
  }
  return t;
}

// ------------------------------------------------------------------------------------------------ tests

describe('fast YAML reader', () => {
  let benchChunks: string[] = [];
  const files = [...yamlFiles(path.join(ROOT, 'test', 'fixtures')), ...yamlFiles(path.join(ROOT, 'examples'))];
  const fileTexts = files.map((f) => fs.readFileSync(f, 'utf8'));

  before(async () => {
    const gen = (await import(pathToFileURL(path.join(ROOT, 'bench', 'generate.mjs')).href)) as { inventory(n: number): string };
    benchChunks = chunksOf(gen.inventory(2000));
  });

  it('equals the library on every chunk of the bench inventory, and reads all its identities itself', () => {
    assert.strictEqual(benchChunks.length, 2001);
    const stats = { covered: 0 };
    benchChunks.forEach((c, i) => assertAgrees(c, `chunk ${i}`, stats));
    // Every identity is read fast, and so is the header with its flow map (`defaults: { ... }`).
    for (const c of benchChunks) assert.ok(fastParseDocument(c), c);
    assert.strictEqual(stats.covered, 2001);
  });

  it('equals the library on the fixture and example files, whole and per chunk', () => {
    assert.ok(files.length > 30, 'fixture files found');
    let n = 0;
    let flow = 0;
    const stats = { covered: 0 };
    // Flow mappings (`- { owner: x, until: 2026-06-30 }`, `{ url: ..., date: ... }`) are beyond the subset: texts holding
    // one may go to the library; every other text must be read.
    const hasFlowMap = (t: string) => /(?:^|[:\-[,]\s*)\{/m.test(t);
    // Infrastructure files (multi-document manifests, broken on purpose) and OpenControl components (block scalars)
    // are not inventories: the fast reader must agree on them, but need not read them.
    const notInventoryLike = (rel: string) => /fixtures[\\/](discovery|precision[\\/]opencontrol)[\\/]/.test(rel);
    files.forEach((f, i) => {
      const rel = path.relative(ROOT, f);
      if (notInventoryLike(rel)) {
        assertAgrees(fileTexts[i], rel);
        for (const c of chunksOf(fileTexts[i])) assertAgrees(c, `${rel} chunk`);
        return;
      }
      assertAgrees(fileTexts[i], rel, stats);
      n++;
      if (hasFlowMap(fileTexts[i])) flow++;
      for (const c of chunksOf(fileTexts[i])) {
        assertAgrees(c, `${rel} chunk`, stats);
        n++;
        if (hasFlowMap(c)) flow++;
      }
    });
    assert.ok(flow < n / 4, `${flow} of ${n} texts hold a flow mapping`);
    assert.ok(stats.covered >= n - flow, `${stats.covered} of ${n} read (${flow} hold a flow mapping)`);
  });

  it('visits the same nodes and converts to the same JS as the library', () => {
    for (const t of [benchChunks[1], benchChunks[1234], ...fileTexts]) {
      const fast = fastParseDocument(t);
      if (!fast) continue;
      const lib = yaml.parseDocument(t, PARSE_OPTIONS);
      assert.deepStrictEqual(visited(fast), visited(lib));
      assert.deepStrictEqual(fast.toJS(), lib.toJS());
    }
  });

  it('resolves plain scalars as the core schema does (null, booleans, numbers and their formats)', () => {
    const rand = prng(7);
    const alphabet = ['0', '1', '7', '9', 'a', 'e', 'E', 'f', 'x', 'o', '.', '+', '-', '_', 'n', 'N', 'i', 'I', 'inf', 'nan', 'NaN', 'INF', 'true', 'null', '~', ':'];
    const values = [...PLAIN, ...ODD_PLAIN];
    for (let i = 0; i < 3000; i++) {
      let s = '';
      for (let k = 1 + Math.floor(rand() * 6); k > 0; k--) s += alphabet[Math.floor(rand() * alphabet.length)];
      values.push(s);
    }
    const stats = { covered: 0 };
    for (const v of values) {
      assertAgrees(`k: ${v}\n`, 'map value', stats);
      assertAgrees(`- ${v}\n`, 'item', stats);
      assertAgrees(`${v}: x\n`, 'key', stats);
      assertAgrees(`k: [${v}, "${v}"]\n`, 'flow item', stats);
    }
    assert.ok(stats.covered > values.length * 2, `${stats.covered} read`);
  });

  it('reads single-line flow maps of scalars as the library does, and leaves it the others', () => {
    const read = ['{ review_cadence: quarterly, environment: prod }', '{}', '{ }', '{a: b}', '{ a: 1, b: "q r", c: \'s\' }', '{ a: b, }', '{ a: b , c: d }', '{ a b: c d }', '{ a: b }   # note', '{ x-y: 2026-06-30, k_1: true }'];
    const left = ['{ a: b, a: c }', '{ a }', '{ a: }', '{ a: , b: c }', '{ a : b }', '{ "a": b }', '{ a: [b] }', '{ a: {b: c} }', '{ a: b', '{ a: b } x', '{ a: b # c }', '{ <<: x }', '{ a:b }', '{ ? a: b }', '{ a: b: c }', '{ .nan: a }'];
    for (const v of read) {
      for (const text of [`defaults: ${v}\nidentities:\n  - id: a\n`, `- ${v}\n`]) {
        assertAgrees(text, text);
        if (!text.startsWith('-')) assert.ok(fastParseDocument(text), text);
      }
    }
    for (const v of left) {
      const text = `defaults: ${v}\n`;
      assertAgrees(text, text);
      assert.strictEqual(fastParseDocument(text), undefined, text);
    }
  });

  it('leaves a mapping with a duplicate key to the library, short or long (SameValueZero: NaN, 1 and 1.0)', () => {
    for (const n of [2, 31, 32, 33, 80]) {
      const keys = Array.from({ length: n }, (_, i) => `k${i}: v${i}\n`);
      const unique = keys.join('');
      assert.ok(fastParseDocument(unique), `${n} unique keys are read`);
      assertAgrees(unique, `${n} keys`);
      for (const at of [0, n - 1]) {
        const dup = unique + `k${at}: again\n`;
        assert.strictEqual(fastParseDocument(dup), undefined, `${n} keys, k${at} twice`);
        assertAgrees(dup, `${n} keys, k${at} twice`);
      }
      const pad = keys.slice(0, n - 1).join('');
      for (const [a, b] of [['.nan', '.NaN'], ['1', '1.0'], ['true', 'True'], ['~', 'null'], ['0x10', '16']]) {
        const text = `${pad}${a}: x\n${b}: y\n`;
        assert.strictEqual(fastParseDocument(text), undefined, `${n} keys, ${a} and ${b}`);
        assertAgrees(text, `${n} keys, ${a} and ${b}`);
      }
      assert.ok(fastParseDocument(`${pad}.nan: x\n.inf: y\n`), `${n} keys, NaN and Infinity differ`);
    }
  });

  it('equals the library on generated documents (seeded), and reads many of them', () => {
    const doc = generator(prng(20261123));
    const stats = { covered: 0 };
    const n = 3000;
    for (let i = 0; i < n; i++) assertAgrees(doc(), `generated ${i}`, stats);
    assert.ok(stats.covered > n / 3, `${stats.covered} of ${n} read`);
  });

  it('equals the library on mutated inventory chunks and generated documents (seeded)', () => {
    const rand = prng(42);
    const doc = generator(prng(99));
    const real = [...benchChunks.slice(0, 50), ...fileTexts.flatMap(chunksOf)];
    const stats = { covered: 0 };
    for (let i = 0; i < 1500; i++) assertAgrees(mutate(rand, real[Math.floor(rand() * real.length)]), `mutated chunk ${i}`, stats);
    for (let i = 0; i < 1500; i++) assertAgrees(mutate(rand, doc()), `mutated document ${i}`, stats);
    assert.ok(stats.covered > 500, `${stats.covered} of 3000 read`);
  });

  it('never throws: random strings, deep nesting, long lines', () => {
    const rand = prng(3);
    const pieces = [' ', ':', '#', '-', '"', "'", '[', ']', ',', '\n', 'a', '1', '\r', '\t', '  - ', 'k: ', '\\', '\ufeff', '\u0085'];
    for (let i = 0; i < 1000; i++) {
      let s = '';
      for (let k = Math.floor(rand() * 80); k > 0; k--) s += rand() < 0.7 ? pieces[Math.floor(rand() * pieces.length)] : String.fromCharCode(Math.floor(rand() * 0x10000));
      assertAgrees(s, `random ${i}`);
    }
    let deep = '';
    for (let d = 0; d < 5000; d++) deep += ' '.repeat(d) + 'k:\n';
    assert.strictEqual(fastParseDocument(deep), undefined); // left to the library beyond 64 levels
    let nested = '';
    for (let d = 0; d < 40; d++) nested += ' '.repeat(2 * d) + `k${d}:\n`;
    assertAgrees(nested, 'nested 40 levels');
    assert.ok(fastParseDocument(nested));
    assertAgrees(`k: ${'x'.repeat(200_000)}\n`, 'long value');
    assertAgrees(`${'k'.repeat(1100)}: v\n`, 'long key');
    assert.strictEqual(fastParseDocument(''), undefined);
    assert.strictEqual(fastParseDocument('# only a comment\n'), undefined);
  });
});
