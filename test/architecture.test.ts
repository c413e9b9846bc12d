/**
 * The architecture, checked (ARCHITECTURE.md, Invariants):
 * - the import graph of server/src has no cycles and breaks no layering rule (scripts/import-graph.mjs:
 *   lang/ does not import rules/, the core imports no adapter, only lsp/ imports vscode-languageserver ...);
 * - docs/rules/README.md's rules table is the one generated from the rule metadata (scripts/rules-doc.mjs).
 * Each checker is first run on a small made-up input, so that a broken checker cannot pass vacuously.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from './helpers/root';

/**
 * Loads an ES module script. Under `module: nodenext` TypeScript keeps `import()` as it is in CommonJS
 * output (it is not turned into require()), so Node loads the .mjs as an ES module.
 */
function script(name: string): Promise<any> {
  return import(pathToFileURL(path.join(ROOT, 'scripts', name)).href);
}

function writeTree(dir: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
}

describe('architecture: imports', () => {
  let g: any;
  before(async () => {
    g = await script('import-graph.mjs');
  });

  describe('the checker, on a made-up tree', () => {
    let dir: string;
    before(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'isms-import-graph-'));
      writeTree(dir, {
        // a cycle of three files through a type-only import, a re-export and a require()
        'core/a.ts': "import type { B } from './b';\nexport type A = B;\n",
        'core/b.ts': "export { c } from './c';\nexport type B = number;\n",
        'core/c.ts': "const a = require('./a');\nexport const c = a;\n",
        // a reader that judges, and an import of the LSP library outside lsp/
        'core/lang/reader.ts': [
          "import { judge } from '../rules/judge';",
          "import data from '../catalog/data.json';",
          "import { util } from '../util';",
          "import type { Connection } from 'vscode-languageserver/node';",
          "import type { TextDocument } from 'vscode-languageserver-textdocument';",
          'export const read = [judge, data, util];',
          '',
        ].join('\n'),
        'core/rules/judge.ts': 'export const judge = 1;\n',
        'core/util/index.ts': 'export const util = 1;\n',
        'core/catalog/data.json': '{}\n',
        'lsp/server.ts': "import { createConnection } from 'vscode-languageserver/node';\nimport type { Uri } from 'vscode';\n",
      });
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it('reads every import, type-only ones included, and resolves index.ts', () => {
      const graph = g.importGraph(dir);
      assert.deepEqual(graph.files, [
        'core/a.ts',
        'core/b.ts',
        'core/c.ts',
        'core/lang/reader.ts',
        'core/rules/judge.ts',
        'core/util/index.ts',
        'lsp/server.ts',
      ]);
      assert.deepEqual(
        graph.edges.map((e: any) => `${e.from} -> ${e.to}${e.typeOnly ? ' (type)' : ''}`).sort(),
        [
          'core/a.ts -> core/b.ts (type)',
          'core/b.ts -> core/c.ts',
          'core/c.ts -> core/a.ts',
          'core/lang/reader.ts -> core/rules/judge.ts',
          'core/lang/reader.ts -> core/util/index.ts',
        ],
      );
      assert.deepEqual(graph.unresolved, []);
    });

    it('finds the cycle', () => {
      assert.deepEqual(g.findCycles(g.importGraph(dir)), ['core/a.ts -> core/b.ts -> core/c.ts -> core/a.ts']);
    });

    it('finds every cycle of a tangle, and self-imports', () => {
      const edge = (from: string, to: string) => ({ from, to });
      const graph = {
        files: ['a.ts', 'b.ts', 'c.ts', 'd.ts', 'e.ts'],
        edges: [edge('a.ts', 'b.ts'), edge('b.ts', 'a.ts'), edge('b.ts', 'c.ts'), edge('c.ts', 'a.ts'), edge('d.ts', 'd.ts'), edge('d.ts', 'e.ts')],
      };
      assert.deepEqual(g.findCycles(graph), ['a.ts -> b.ts -> a.ts', 'a.ts -> b.ts -> c.ts -> a.ts', 'd.ts -> d.ts']);
      assert.deepEqual(g.stronglyConnected(graph), [['a.ts', 'b.ts', 'c.ts'], ['d.ts'], ['e.ts']]);
    });

    it('finds the forbidden imports', () => {
      const forbidden = g.forbiddenEdges(g.importGraph(dir), g.ARCHITECTURE_RULES);
      assert.deepEqual(
        forbidden.map((f: any) => `${f.from} -> ${f.to}`),
        ['core/lang/reader.ts -> core/rules/judge.ts', 'core/lang/reader.ts -> vscode-languageserver/node', 'lsp/server.ts -> vscode'],
      );
      assert.match(forbidden[0].reason, /readers do not judge/);
    });

    it('applies rules by path prefix, with exceptions and lists of prefixes', () => {
      const graph = {
        files: [],
        edges: [
          { from: 'core/refs/scan.ts', to: 'core/analysis/drive.ts', line: 1 },
          { from: 'core/catalog/catalog.ts', to: 'core/analysis/drive.ts', line: 1 },
          { from: 'core/analysis/drive.ts', to: 'core/rules/nhi.ts', line: 1 },
          { from: 'core/text.ts', to: 'node/file-host.ts', line: 1 },
          { from: 'core/editor/assist.ts', to: 'lsp/server.ts', line: 1 },
          { from: 'cli/main.ts', to: 'lsp/server.ts', line: 1 },
        ],
        packages: [
          { from: 'cli/main.ts', specifier: 'vscode-languageserver', line: 1 },
          { from: 'lsp/server.ts', specifier: 'vscode-languageserver/node', line: 1 },
          { from: 'core/text.ts', specifier: 'vscode-uri', line: 1 },
        ],
      };
      assert.deepEqual(
        g.forbiddenEdges(graph, g.ARCHITECTURE_RULES).map((f: any) => `${f.from} -> ${f.to}`),
        [
          'cli/main.ts -> vscode-languageserver',
          'core/catalog/catalog.ts -> core/analysis/drive.ts',
          'core/editor/assist.ts -> lsp/server.ts',
          'core/refs/scan.ts -> core/analysis/drive.ts',
          'core/text.ts -> node/file-host.ts',
        ],
      );
    });
  });

  describe('server/src', () => {
    let result: any;
    before(() => {
      result = g.check(path.join(ROOT, 'server', 'src'));
    });

    it('is read whole (the checks below are not vacuous)', () => {
      assert.ok(result.graph.files.length >= 20, `${result.graph.files.length} files`);
      assert.ok(result.graph.edges.length >= 50, `${result.graph.edges.length} imports`);
      assert.ok(result.graph.files.some((f: string) => f.startsWith('core/lang/')));
      assert.ok(result.graph.packages.some((p: any) => p.specifier.startsWith('vscode-languageserver')));
      assert.deepEqual(result.graph.unresolved, []);
    });

    it('has no import cycles', () => {
      assert.deepEqual(result.cycles, [], `import cycles:\n  ${result.cycles.join('\n  ')}`);
    });

    it('breaks no layering rule', () => {
      const texts = result.forbidden.map((f: any) => f.text);
      assert.deepEqual(texts, [], `forbidden imports:\n  ${texts.join('\n  ')}`);
    });
  });
});

describe('architecture: docs/rules/README.md', () => {
  let d: any;
  before(async () => {
    d = await script('rules-doc.mjs');
  });

  it('the checker catches a changed, a missing and a moved row (on a made-up file)', () => {
    const table: string = d.renderRulesTable();
    const file = (t: string) => `# Rules\n\n${d.START}\n\n${t}\n\n${d.END}\n\nMore.\n`;
    assert.equal(d.checkRulesDoc({ text: file(table) }).ok, true);

    const lines = table.split('\n');
    const [first, second] = d.parseRows(table);
    const changed = d.checkRulesDoc({ text: file(table.replace(first.line, first.line.replace(/ \|$/, ' Edited by hand. |'))) });
    assert.equal(changed.ok, false);
    assert.deepEqual(changed.stale.map((s: any) => `${s.problem} ${s.id}`), [`changed ${first.id}`]);
    assert.match(changed.message, new RegExp(`changed ${first.id}`));

    const missing = d.checkRulesDoc({ text: file(lines.filter((l) => l !== second.line).join('\n')) });
    assert.deepEqual(missing.stale.map((s: any) => `${s.problem} ${s.id}`), [`missing ${second.id}`]);

    const swapped = [...lines];
    [swapped[2], swapped[3]] = [swapped[3], swapped[2]];
    const moved = d.checkRulesDoc({ text: file(swapped.join('\n')) });
    assert.deepEqual(moved.stale.map((s: any) => s.problem), ['order']);

    assert.throws(() => d.checkRulesDoc({ text: table }), /no generated region/);
  });

  it('has the generated region, with one row per rule', () => {
    const text = fs.readFileSync(path.join(ROOT, 'docs', 'rules', 'README.md'), 'utf8');
    const rows = d.parseRows(d.tableRegion(text).inner);
    const ids = d.parseRows(d.renderRulesTable()).map((r: any) => r.id);
    assert.ok(ids.length >= 30, `${ids.length} rules`);
    assert.deepEqual(rows.map((r: any) => r.id).sort(), [...ids].sort());
  });

  it('is the table generated from the rule metadata (npm run docs:rules)', () => {
    const text = fs.readFileSync(path.join(ROOT, 'docs', 'rules', 'README.md'), 'utf8');
    const result = d.checkRulesDoc();
    assert.ok(result.ok, result.message);
    assert.equal(d.tableRegion(text).inner.trim(), d.renderRulesTable());
  });
});
