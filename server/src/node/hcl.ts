/**
 * The HCL (Terraform) parser of the Node adapters: web-tree-sitter and the Terraform grammar of
 * @tree-sitter-grammars/tree-sitter-hcl, both WebAssembly (no native code, no network).
 *
 * `loadHcl()` loads them once per thread (a worker thread loads its own copy) and resolves to an
 * `HclParse`; parsing is synchronous afterwards. The wasm files are looked for next to this module
 * (the bundles: dist/tree-sitter.wasm and dist/tree-sitter-terraform.wasm, copied there by
 * scripts/bundle.mjs) and else in node_modules (tests running from server/out).
 *
 * Trees live in wasm memory, which the garbage collector does not free: the `HclParse` this module
 * gives keeps the one tree it parsed last and deletes it at its next call, so a root it returned is
 * valid until the next call of the same function (the core reads a tree at once, synchronously).
 * Callers that keep trees (incremental parsing, the bench) use `parseTree` and delete them.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Language, Parser, type Tree } from 'web-tree-sitter';
import type { HclNode, HclParse } from '../core/discovery/types';
import type { DiscoveryReaders } from '../core/discovery/discover';
import { readTerraform } from '../core/discovery/terraform';

/** Files larger than this are not parsed (the reader reports nothing for them). */
export const MAX_HCL_CHARS = 4 * 1024 * 1024;

const RUNTIME_WASM = 'tree-sitter.wasm';
const GRAMMAR_WASM = 'tree-sitter-terraform.wasm';

/** Where a wasm file is: next to this module (the bundle), else in the package that ships it. */
function locate(file: string, specifier: string): string {
  const here = join(__dirname, file);
  if (existsSync(here)) return here;
  return require.resolve(specifier);
}

interface Loaded {
  parser: Parser;
}

let loading: Promise<Loaded | undefined> | undefined;
let loaded: Loaded | undefined;
let loadError: string | undefined;

async function load(): Promise<Loaded | undefined> {
  try {
    const runtime = readFileSync(locate(RUNTIME_WASM, 'web-tree-sitter/tree-sitter.wasm'));
    const grammar = readFileSync(locate(GRAMMAR_WASM, `@tree-sitter-grammars/tree-sitter-hcl/${GRAMMAR_WASM}`));
    // The runtime's bytes are handed over, so that the Emscripten loader never looks for (or fetches) a file.
    await Parser.init({ wasmBinary: runtime } as object);
    const language = await Language.load(new Uint8Array(grammar));
    const parser = new Parser();
    parser.setLanguage(language);
    loaded = { parser };
    return loaded;
  } catch (err) {
    loadError = err instanceof Error ? err.message : String(err);
    return undefined;
  }
}

/** Why the parser could not be loaded (undefined while it loads or once it has). */
export function hclLoadError(): string | undefined {
  return loadError;
}

/**
 * A tree of `text`, which the caller owns and must `delete()`; `old` (edited with `Tree.edit` to
 * match `text`) makes the parse incremental. Undefined until `loadHcl()` has resolved, for texts over
 * MAX_HCL_CHARS, and if the parser fails.
 */
export function parseTree(text: string, old?: Tree): Tree | undefined {
  if (!loaded || text.length > MAX_HCL_CHARS) return undefined;
  try {
    return loaded.parser.parse(text, old ?? null) ?? undefined;
  } catch {
    // A failed parse can leave the parser mid-way; start the next one afresh.
    loaded.parser.reset();
    return undefined;
  }
}

/** A parse function that owns its trees: it keeps the last one and deletes it at the next call. */
function ownedParse(): HclParse {
  let last: Tree | undefined;
  return (text: string): HclNode | undefined => {
    if (last) {
      last.delete();
      last = undefined;
    }
    last = parseTree(text);
    return last?.rootNode;
  };
}

let shared: HclParse | undefined;

/**
 * Loads the runtime and the grammar (once; later calls share the first) and resolves to the parse
 * function, or to undefined when they cannot be loaded (`hclLoadError()` says why). Never rejects.
 */
export function loadHcl(): Promise<HclParse | undefined> {
  loading ??= load();
  return loading.then((l) => (l ? (shared ??= ownedParse()) : undefined));
}

/** The parse function if `loadHcl()` has resolved with one, else undefined (no waiting). */
export function hclParseIfLoaded(): HclParse | undefined {
  return loaded ? (shared ??= ownedParse()) : undefined;
}

/** The offset's row and UTF-16 column in `text`, as tree-sitter's points count them. */
function pointAt(text: string, offset: number): { row: number; column: number } {
  let row = 0;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    row++;
    lineStart = i + 1;
  }
  return { row, column: offset - lineStart };
}

/** The one edit that turns `a` into `b`: their common prefix and suffix are kept. */
export function editBetween(a: string, b: string): { startIndex: number; oldEndIndex: number; newEndIndex: number } {
  const max = Math.min(a.length, b.length);
  let p = 0;
  while (p < max && a.charCodeAt(p) === b.charCodeAt(p)) p++;
  let s = 0;
  while (s < max - p && a.charCodeAt(a.length - 1 - s) === b.charCodeAt(b.length - 1 - s)) s++;
  return { startIndex: p, oldEndIndex: a.length - s, newEndIndex: b.length - s };
}

/**
 * A parse function for the editor: it keeps the trees of the last `keep` texts it parsed, and parses a text that
 * differs from one of them by an edit (a keystroke) incrementally: that tree is edited (`Tree.edit` over the span
 * where the texts differ) and given to the parser as the old tree, which reuses what the edit left alone. The tree
 * of the text parsed last is always kept, so a root it returned stays valid until its next call (as `ownedParse`).
 * Tested equal to a fresh parse on random edits (test/terraform.test.ts).
 */
export function incrementalParse(keep = 4): HclParse {
  const trees: { text: string; tree: Tree }[] = [];
  return (text: string): HclNode | undefined => {
    if (!loaded || text.length > MAX_HCL_CHARS) return undefined;
    // The kept text this one shares the most with (a keystroke shares all but a character or two).
    let best = -1;
    let shared = 0;
    for (let i = 0; i < trees.length; i++) {
      const e = editBetween(trees[i].text, text);
      const same = e.startIndex + (text.length - e.newEndIndex);
      if (same > shared) [best, shared] = [i, same];
    }
    let tree: Tree | undefined;
    if (best >= 0 && shared >= text.length / 2) {
      const old = trees.splice(best, 1)[0];
      if (old.text === text) {
        trees.unshift(old);
        return old.tree.rootNode;
      }
      const e = editBetween(old.text, text);
      old.tree.edit({ ...e, startPosition: pointAt(old.text, e.startIndex), oldEndPosition: pointAt(old.text, e.oldEndIndex), newEndPosition: pointAt(text, e.newEndIndex) });
      tree = parseTree(text, old.tree);
      old.tree.delete();
    } else tree = parseTree(text);
    if (!tree) return undefined;
    trees.unshift({ text, tree });
    while (trees.length > keep) trees.pop()!.tree.delete();
    return tree.rootNode;
  };
}

/**
 * The discovery readers the adapters give the service (IsmsService.setDiscoveryReaders): the Terraform reader when the
 * grammar is loaded (`loadHcl()` resolved with a parser), else none (`.tf` files are then skipped; docs/discovery.md).
 * `incremental`: the editor's (the trees of the last few texts kept, a keystroke parsed incrementally); the CLI reads
 * each file once and keeps no tree.
 */
export function discoveryReaders(incremental = false): DiscoveryReaders {
  const parse = hclParseIfLoaded();
  if (!parse) return {};
  const p = incremental ? incrementalParse() : parse;
  return { terraform: (text: string) => readTerraform(text, p(text)) };
}

/** Whether any of these paths is a Terraform file (the CLI loads the grammar only then). */
export function hasTerraform(paths: readonly string[]): boolean {
  return paths.some((p) => /\.tf$/i.test(p));
}
