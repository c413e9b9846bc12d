#!/usr/bin/env node
/**
 * The import graph of server/src and the architecture's rules over it (ARCHITECTURE.md, Invariants).
 *
 *   node scripts/import-graph.mjs [dir]     prints cycles and forbidden imports; exits 1 if there are any
 *
 * Every import counts as an edge, type-only ones included: `import` and `import type`, `export ... from`,
 * `import x = require()`, `require('...')`, `import('...')` and `import('...')` types. Relative specifiers
 * are resolved to a .ts file under the scanned directory (`./x` -> `x.ts`, `x.js` -> `x.ts`, or
 * `x/index.ts`); `.json` imports are ignored. Package imports are kept apart (graph.packages) for the
 * rules on packages (vscode, vscode-languageserver). Paths are relative to the scanned directory, with `/`.
 *
 * Exports: importGraph(dir), findCycles(graph), stronglyConnected(graph), forbiddenEdges(graph, rules),
 * ARCHITECTURE_RULES, check(dir) and formatReport(result). Used by test/architecture.test.ts.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const DEFAULT_DIR = path.join(REPO, 'server', 'src');

/**
 * The architecture's import rules, paths relative to server/src. `from` and `to` are path prefixes
 * (a string or a list of them; '' is every file); `exceptFrom` lists prefixes the rule does not apply to;
 * `toPackage` is an npm package name, matching the package and its subpaths (`name` and `name/...`).
 */
export const ARCHITECTURE_RULES = [
  { from: 'core/lang/', to: 'core/rules/', reason: 'readers do not judge: lang/ imports nothing from rules/' },
  { from: 'core/', to: 'lsp/', reason: 'the core does no I/O and knows no adapter' },
  { from: 'core/', to: 'cli/', reason: 'the core does no I/O and knows no adapter' },
  { from: 'core/', to: 'node/', reason: 'the core does no I/O and knows no adapter' },
  {
    from: ['core/lang/', 'core/refs/', 'core/catalog/'],
    to: 'core/analysis/',
    reason: 'readers and references sit below the drivers: lang/, refs/ and catalog/ import nothing from analysis/',
  },
  { from: 'core/rules/', to: 'core/analysis/', reason: 'rules do not know the drivers: rules/ imports nothing from analysis/' },
  {
    from: '',
    exceptFrom: ['lsp/'],
    toPackage: 'vscode-languageserver',
    reason: 'only the LSP adapter (server/src/lsp/) imports vscode-languageserver',
  },
  { from: '', toPackage: 'vscode', reason: 'nothing in the server imports vscode (only client/src does)' },
  {
    from: '',
    exceptFrom: ['node/'],
    toPackage: 'web-tree-sitter',
    reason: 'only the Node helpers (server/src/node/hcl.ts) load the wasm parser; the core reads the trees they pass in',
  },
];

const SKIP_DIRS = new Set(['node_modules', 'out', 'dist']);

/** The directory to scan: `dir` itself, or `dir/server/src` when `dir` is the repository root. */
function sourceDir(dir) {
  const nested = path.join(dir, 'server', 'src');
  return fs.existsSync(nested) && fs.statSync(nested).isDirectory() ? nested : dir;
}

function tsFiles(dir, rel = '') {
  const out = [];
  const entries = fs.readdirSync(path.join(dir, rel), { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) {
      if (!SKIP_DIRS.has(e.name) && !e.name.startsWith('.')) out.push(...tsFiles(dir, r));
    } else if (e.isFile() && e.name.endsWith('.ts')) out.push(r);
  }
  return out;
}

/** Every module specifier the file names, with its line (1-based), kind and whether it is type-only. */
export function moduleSpecifiers(fileName, text) {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const out = [];
  const add = (node, lit, kind, typeOnly) => {
    if (!lit || !ts.isStringLiteralLike(lit)) return; // a computed specifier: not statically known
    const line = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
    out.push({ specifier: lit.text, line, kind, typeOnly });
  };
  const visit = (node) => {
    if (ts.isImportDeclaration(node)) {
      const clause = node.importClause;
      const typeOnly = !!clause && (clause.isTypeOnly || namedAllTypes(clause));
      add(node, node.moduleSpecifier, 'import', typeOnly);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier) {
      add(node, node.moduleSpecifier, 'export', node.isTypeOnly);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      add(node, node.moduleReference.expression, 'import-require', node.isTypeOnly);
    } else if (ts.isCallExpression(node) && node.arguments.length >= 1) {
      if (node.expression.kind === ts.SyntaxKind.ImportKeyword) add(node, node.arguments[0], 'dynamic-import', false);
      else if (ts.isIdentifier(node.expression) && node.expression.text === 'require') add(node, node.arguments[0], 'require', false);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      add(node, node.argument.literal, 'import-type', true);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

function namedAllTypes(clause) {
  if (clause.name) return false;
  const nb = clause.namedBindings;
  return !!nb && ts.isNamedImports(nb) && nb.elements.length > 0 && nb.elements.every((e) => e.isTypeOnly);
}

const isRelative = (s) => s === '.' || s === '..' || s.startsWith('./') || s.startsWith('../');

/** The package a bare specifier names: `@scope/name` or `name` (subpaths dropped); undefined for node: builtins. */
export function packageName(specifier) {
  if (specifier.startsWith('node:')) return undefined;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

function resolveRelative(dir, fromRel, specifier) {
  const base = path.resolve(dir, path.dirname(fromRel), specifier);
  const candidates = [];
  if (/\.ts$/.test(base) && !/\.d\.ts$/.test(base)) candidates.push(base);
  else if (/\.(c|m)?js$/.test(base)) candidates.push(base.replace(/\.(c|m)?js$/, '.ts'));
  candidates.push(`${base}.ts`, path.join(base, 'index.ts'));
  for (const c of candidates) {
    if (fs.existsSync(c) && fs.statSync(c).isFile()) {
      const rel = path.relative(dir, c);
      if (rel.startsWith('..') || path.isAbsolute(rel)) return { outside: c };
      return { file: rel.split(path.sep).join('/') };
    }
  }
  return undefined;
}

/**
 * The import graph of the .ts files under `rootDir` (or under `rootDir/server/src` when that exists):
 *   files      every .ts file, relative path with `/`, sorted
 *   edges      { from, to, specifier, line, kind, typeOnly } for every relative import of a file in the graph
 *   packages   { from, specifier, package, line, kind, typeOnly } for every package import (node: builtins too,
 *              with package undefined)
 *   unresolved { from, specifier, line } relative imports that name no .ts file (nor .json)
 */
export function importGraph(rootDir = DEFAULT_DIR) {
  const dir = sourceDir(path.resolve(rootDir));
  const files = tsFiles(dir);
  const edges = [];
  const packages = [];
  const unresolved = [];
  for (const from of files) {
    const text = fs.readFileSync(path.join(dir, from), 'utf8');
    for (const s of moduleSpecifiers(from, text)) {
      const info = { from, specifier: s.specifier, line: s.line, kind: s.kind, typeOnly: s.typeOnly };
      if (!isRelative(s.specifier)) {
        packages.push({ ...info, package: packageName(s.specifier) });
        continue;
      }
      if (/\.json$/.test(s.specifier)) continue;
      const r = resolveRelative(dir, from, s.specifier);
      if (r?.file) edges.push({ ...info, to: r.file });
      else if (!r) unresolved.push(info);
      // r.outside: a file outside the scanned directory, not part of this graph
    }
  }
  return { root: dir, files, edges, packages, unresolved };
}

/** Adjacency: file -> sorted distinct files it imports. */
function adjacency(graph) {
  const adj = new Map(graph.files.map((f) => [f, new Set()]));
  for (const e of graph.edges) {
    if (!adj.has(e.from)) adj.set(e.from, new Set());
    if (!adj.has(e.to)) adj.set(e.to, new Set());
    adj.get(e.from).add(e.to);
  }
  return new Map([...adj].map(([k, v]) => [k, [...v].sort()]));
}

/** Tarjan's strongly connected components (iterative); each component's files sorted, components sorted. */
export function stronglyConnected(graph) {
  const adj = adjacency(graph);
  const index = new Map();
  const low = new Map();
  const onStack = new Set();
  const stack = [];
  const comps = [];
  let next = 0;
  for (const start of [...adj.keys()].sort()) {
    if (index.has(start)) continue;
    const work = [[start, 0]];
    index.set(start, next);
    low.set(start, next++);
    stack.push(start);
    onStack.add(start);
    while (work.length) {
      const top = work[work.length - 1];
      const [v, i] = top;
      const succ = adj.get(v);
      if (i < succ.length) {
        top[1]++;
        const w = succ[i];
        if (!index.has(w)) {
          index.set(w, next);
          low.set(w, next++);
          stack.push(w);
          onStack.add(w);
          work.push([w, 0]);
        } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), index.get(w)));
      } else {
        work.pop();
        if (work.length) {
          const u = work[work.length - 1][0];
          low.set(u, Math.min(low.get(u), low.get(v)));
        }
        if (low.get(v) === index.get(v)) {
          const comp = [];
          let w;
          do {
            w = stack.pop();
            onStack.delete(w);
            comp.push(w);
          } while (w !== v);
          comps.push(comp.sort());
        }
      }
    }
  }
  return comps.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

/**
 * Every elementary cycle, as readable paths `a.ts -> b.ts -> a.ts`, each starting at its smallest file,
 * sorted. Cycles are enumerated within each strongly connected component of more than one file (plus
 * self-imports); past `limit` cycles in one component the rest are summarised in one entry that names
 * the component's files, so a large tangle still fails readably (`maxSteps` bounds the search likewise).
 */
export function findCycles(graph, { limit = 200, maxSteps = 1_000_000 } = {}) {
  const adj = adjacency(graph);
  const out = [];
  for (const comp of stronglyConnected(graph)) {
    if (comp.length === 1) {
      const f = comp[0];
      if (adj.get(f).includes(f)) out.push(`${f} -> ${f}`);
      continue;
    }
    const inComp = new Set(comp);
    const cycles = [];
    let truncated = false;
    let steps = 0;
    // Each cycle once: from its smallest file s, through files greater than s only (a simple DFS; the
    // components of a module graph are small, and `limit` bounds the output).
    for (const s of comp) {
      const pathStack = [s];
      const onPath = new Set([s]);
      const iters = [adj.get(s).filter((w) => inComp.has(w) && w >= s)[Symbol.iterator]()];
      while (iters.length && !truncated) {
        if (++steps > maxSteps) {
          truncated = true;
          break;
        }
        const step = iters[iters.length - 1].next();
        if (step.done) {
          iters.pop();
          onPath.delete(pathStack.pop());
          continue;
        }
        const w = step.value;
        if (w === s) {
          cycles.push([...pathStack, s].join(' -> '));
          if (cycles.length >= limit) truncated = true;
        } else if (!onPath.has(w)) {
          pathStack.push(w);
          onPath.add(w);
          iters.push(adj.get(w).filter((x) => inComp.has(x) && x >= s)[Symbol.iterator]());
        }
      }
      if (truncated) break;
    }
    out.push(...cycles.sort());
    if (truncated) {
      out.push(`... more cycles (listing stopped after ${cycles.length}) among ${comp.length} files: ${comp.join(', ')}`);
    }
  }
  return out;
}

const prefixes = (p) => (p === undefined ? [] : Array.isArray(p) ? p : [p]);
const startsWithAny = (file, ps) => ps.some((p) => file.startsWith(p));
const matchesPackage = (specifier, name) => specifier === name || specifier.startsWith(`${name}/`);

/**
 * The imports that break a rule: { from, to, specifier, line, kind, typeOnly, reason, text }, sorted by
 * file and line. A rule has `from` (prefixes), optional `exceptFrom` (prefixes), and `to` (prefixes of
 * files in the graph) or `toPackage` (a package name; `name` and `name/...`).
 */
export function forbiddenEdges(graph, rules = ARCHITECTURE_RULES) {
  const out = [];
  for (const rule of rules) {
    const from = prefixes(rule.from);
    const except = prefixes(rule.exceptFrom);
    const applies = (f) => startsWithAny(f, from) && !startsWithAny(f, except);
    if (rule.to !== undefined) {
      const to = prefixes(rule.to);
      for (const e of graph.edges) {
        if (applies(e.from) && startsWithAny(e.to, to)) out.push({ ...e, reason: rule.reason });
      }
    }
    if (rule.toPackage !== undefined) {
      for (const p of graph.packages) {
        if (applies(p.from) && matchesPackage(p.specifier, rule.toPackage)) {
          out.push({ ...p, to: p.specifier, reason: rule.reason });
        }
      }
    }
  }
  for (const v of out) {
    v.text = `${v.from}:${v.line} -> ${v.to}${v.typeOnly ? ' (type-only)' : ''}: ${v.reason}`;
  }
  return out.sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : a.line - b.line || (a.to < b.to ? -1 : 1)));
}

/** The whole check of one directory: the graph, its cycles and its forbidden imports. */
export function check(rootDir = DEFAULT_DIR, rules = ARCHITECTURE_RULES) {
  const graph = importGraph(rootDir);
  return { graph, cycles: findCycles(graph), forbidden: forbiddenEdges(graph, rules) };
}

export function formatReport({ graph, cycles, forbidden }) {
  const lines = [`${graph.files.length} files, ${graph.edges.length} relative imports under ${path.relative(process.cwd(), graph.root) || '.'}`];
  if (graph.unresolved.length) {
    lines.push('', `Unresolved relative imports (${graph.unresolved.length}):`);
    for (const u of graph.unresolved) lines.push(`  ${u.from}:${u.line} '${u.specifier}'`);
  }
  lines.push('', cycles.length ? `Cycles (${cycles.length}):` : 'Cycles: none');
  for (const c of cycles) lines.push(`  ${c}`);
  lines.push('', forbidden.length ? `Forbidden imports (${forbidden.length}):` : 'Forbidden imports: none');
  for (const f of forbidden) lines.push(`  ${f.text}`);
  return lines.join('\n');
}

const isMain = (() => {
  try {
    return !!process.argv[1] && fs.realpathSync(process.argv[1]) === fs.realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
})();

if (isMain) {
  const args = process.argv.slice(2);
  const json = args.includes('--json');
  const dir = args.find((a) => !a.startsWith('--')) ?? DEFAULT_DIR;
  const result = check(dir);
  if (json) {
    const { graph, cycles, forbidden } = result;
    console.log(JSON.stringify({ files: graph.files, edges: graph.edges, unresolved: graph.unresolved, cycles, forbidden }, null, 2));
  } else console.log(formatReport(result));
  process.exitCode = result.cycles.length || result.forbidden.length ? 1 : 0;
}
