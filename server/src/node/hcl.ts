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

/**
 * The discovery readers the adapters give the service (IsmsService.setDiscoveryReaders): the Terraform reader when the
 * grammar is loaded (`loadHcl()` resolved with a parser), else none (`.tf` files are then skipped; docs/discovery.md).
 */
export function discoveryReaders(): DiscoveryReaders {
  const parse = hclParseIfLoaded();
  return parse ? { terraform: (text: string) => readTerraform(text, parse(text)) } : {};
}

/** Whether any of these paths is a Terraform file (the CLI loads the grammar only then). */
export function hasTerraform(paths: readonly string[]): boolean {
  return paths.some((p) => /\.tf$/i.test(p));
}
