/**
 * `.isms.yaml` read as a file: parsed with the yaml library keeping positions, merged by mergeConfig (config.ts)
 * with the rule IDs of the registry, and each problem placed on the key or value it is about. Also the pure
 * check of globs that match no file of the workspace (the CLI and the server know the files). Pure.
 */
import { isMap, isScalar, isSeq, parseDocument, type Document, type Node } from 'yaml';
import { defaultConfig, mergeConfig, type Config, type ConfigProblem } from './config';
import { deepValues, MAX_YAML_DEPTH } from './lang/fast-yaml';
import { allRules } from './rules/registry';
import { matchesAny } from './glob';
import { LineIndex } from './text';
import type { Range } from './types';

/** A problem of `.isms.yaml` with where it is (0-based line and character, as LSP). */
export interface ConfigDiagnostic {
  severity: 'error' | 'warning';
  /** The setting it is about, e.g. `rules.link-broken` ('' for the file). */
  path: string;
  message: string;
  range: Range;
}

/** True for the path or URI of a repository configuration file. */
export function isConfigFile(pathOrUri: string): boolean {
  return /(^|[\\/])\.isms\.yaml$/.test(pathOrUri);
}

const ZERO: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

/**
 * The configuration of `.isms.yaml` text over `base` (the defaults), and everything wrong with it. A file that does
 * not parse gives its syntax errors and `base` unchanged: nothing of it is used.
 */
export function readConfigText(text: string, base: Config = defaultConfig()): { config: Config; diagnostics: ConfigDiagnostic[]; doc?: Document } {
  const lines = new LineIndex(text);
  // (A configuration nested deeper than the YAML library survives would take the run down, out of memory.)
  if (deepValues(text).length) return { config: structuredClone(base), diagnostics: [{ severity: 'error', path: '', message: `nested more than ${MAX_YAML_DEPTH} levels deep: not read`, range: ZERO }] };
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true, logLevel: 'error' });
  if (doc.errors.length) {
    return {
      config: structuredClone(base),
      diagnostics: doc.errors.map((e) => ({ severity: 'error', path: '', message: e.message.split('\n')[0], range: lines.range(e.pos[0], Math.max(e.pos[0], e.pos[1])) })),
      doc,
    };
  }
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    return { config: structuredClone(base), diagnostics: [{ severity: 'error', path: '', message: (e as Error).message.split('\n')[0], range: ZERO }], doc };
  }
  const problems: ConfigProblem[] = [];
  const config = mergeConfig(base, raw, problems, { ruleIds: allRules().map((r) => r.id) });
  return { config, diagnostics: problems.map((p) => place(doc, lines, p)), doc };
}

/** The problem on the key, value or list item it is about (the longest key that starts the rest of its dotted path at each level). */
export function place(doc: Document, lines: LineIndex, p: ConfigProblem): ConfigDiagnostic {
  let node: unknown = doc.contents;
  let key: Node | undefined;
  let rest = p.path;
  while (rest && isMap(node)) {
    let best: { k: string; key: Node; value: unknown } | undefined;
    for (const pair of node.items) {
      if (!isScalar(pair.key)) continue;
      const k = String(pair.key.value);
      if ((rest === k || rest.startsWith(k + '.')) && (!best || k.length > best.k.length)) best = { k, key: pair.key, value: pair.value };
    }
    if (!best) break;
    key = best.key;
    node = best.value;
    rest = rest === best.k ? '' : rest.slice(best.k.length + 1);
  }
  let target: Node | undefined;
  if (p.item !== undefined && isSeq(node) && node.items[p.item]) target = node.items[p.item] as Node;
  else if (p.on === 'key' || rest || !node || !(node as Node).range) target = key ?? (node as Node | undefined);
  else target = node as Node;
  const r = target?.range;
  return { severity: p.severity ?? 'error', path: p.path, message: p.message, range: r ? lines.range(r[0], r[1]) : ZERO };
}

/**
 * Warnings for the globs of `.isms.yaml` (documentGlobs, inventoryGlobs, ignoreGlobs) that match none of
 * `files` (workspace-relative, `/`-separated, every file of the workspace, ignored ones included).
 */
export function unmatchedGlobs(text: string, files: readonly string[], keys: readonly string[] = ['documentGlobs', 'inventoryGlobs', 'ignoreGlobs']): ConfigDiagnostic[] {
  const { doc, diagnostics } = readConfigText(text);
  if (!doc || diagnostics.some((d) => d.path === '')) return [];
  const lines = new LineIndex(text);
  const out: ConfigDiagnostic[] = [];
  if (!isMap(doc.contents)) return out;
  for (const key of keys) {
    const list = doc.contents.get(key, true);
    if (!isSeq(list)) continue;
    list.items.forEach((n, item) => {
      if (!isScalar(n) || typeof n.value !== 'string') return;
      const glob = n.value;
      if (glob.startsWith('!')) return; // (an exclusion narrows the others: it need not match anything itself)
      // (An ignore glob of a folder, `drafts/**`, matches the folder's files.)
      if (files.some((f) => matchesAny(f, [glob]))) return;
      out.push({ ...place(doc, lines, { path: key, item, message: '' }), severity: 'warning', message: `${key}: '${glob}' matches no file in the workspace` });
    });
  }
  return out;
}
