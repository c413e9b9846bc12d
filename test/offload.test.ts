/**
 * The service's side of analysing off the main thread (lsp/offload.ts runs it on a worker): which
 * files would block for a whole parse, that an analysis computed elsewhere and copied across threads
 * gives the same findings as one computed here, and that completion and the outline never parse such
 * a file while it waits.
 */
import * as assert from 'node:assert/strict';
import { server } from './helpers/root';

const { IsmsService, OFFLOAD_MIN_CHARS } = server('core/service.js');
const { analyzeDetached } = server('core/analysis/analyze.js');
const { defaultConfig } = server('core/config.js');

function inventory(n: number, anchor: boolean): string {
  let text = `kind: nhi-inventory\ndefaults: ${anchor ? '&base ' : ''}{ environment: prod }\nidentities:\n`;
  for (let i = 0; i < n; i++) {
    text += `  - id: svc-${i}\n    type: api-key\n    owner: team-${i % 7}@bank.example\n    purpose: Job ${i}\n    credential: api-key\n`;
    text += `    secret_store: vault\n    rotation: P${i % 3 ? 90 : 400}D\n    last_rotated: 2026-10-01\n    controls: [CSF:PR.AA-01, PR.AC-4]\n`;
  }
  return anchor ? text + 'extra: *base\n' : text;
}

function svc() {
  const cfg = defaultConfig();
  cfg.today = '2026-11-23';
  return new IsmsService({ relativePath: (u: string) => u, files: { read: () => undefined, exists: () => false } }, cfg);
}

describe('analysis off the main thread', () => {
  const uri = 'file:///ws/big.nhi.yaml';
  const big = inventory(800, true);

  it('knows which files would block for a long parse, and analyses the others', () => {
    assert.ok(big.length >= OFFLOAD_MIN_CHARS);
    const s = svc();
    assert.equal(s.needsWorker({ uri, text: big }), true, 'a large inventory with an anchor (parsed whole)');
    assert.equal(s.ready({ uri, text: big }), false);
    const cut = { uri: 'file:///ws/cut.nhi.yaml', text: inventory(800, false) };
    assert.equal(s.needsWorker(cut), false, 'a large inventory that is cut per identity');
    assert.equal(s.ready(cut), true, 'and it is analysed');
    // A top-level key typed in the middle ends the identities: the rest is one long part.
    const lines = cut.text.split('\n');
    const mid = lines.findIndex((l) => l === '  - id: svc-100');
    const split = { uri: cut.uri, text: [...lines.slice(0, mid), 'later:', ...lines.slice(mid)].join('\n') };
    assert.equal(s.needsWorker(split), true, 'a long part after the identities');
    assert.equal(s.needsWorker({ uri, text: inventory(20, true) }), false, 'a small one');
    assert.equal(s.needsWorker({ uri: 'file:///ws/big.yaml', text: big.replace('kind: nhi-inventory\n', '') }), false, 'YAML that is not an inventory');
    s.check({ uri, text: big });
    assert.equal(s.needsWorker({ uri, text: big }), false, 'analysed already');
  });

  it('adopts an analysis copied from another thread: the same findings as one made here', () => {
    const s = svc();
    const file = { uri, text: big };
    const copied = structuredClone(analyzeDetached(file, s.getConfig(), uri));
    assert.equal(s.adopt(file, copied, s.configGeneration), true);
    assert.equal(s.ready(file), true);
    const adopted = s.check(file);
    const here = svc().check(file);
    assert.ok(here.length > 100);
    assert.deepEqual(adopted, here);
    // Hover reads the adopted analysis (control references and their ranges).
    const line = big.split('\n').findIndex((l) => l.includes('PR.AC-4'));
    const col = big.split('\n')[line].indexOf('PR.AC-4') + 2;
    assert.match(s.hover(file, { line, character: col }).contents, /PR\.AC-4/);
  });

  it('does not adopt an analysis made under an older configuration', () => {
    const s = svc();
    const file = { uri, text: big };
    const gen = s.configGeneration;
    const d = analyzeDetached(file, s.getConfig(), uri);
    s.setConfig({ ...s.getConfig(), frameworks: ['csf'] });
    assert.equal(s.adopt(file, d, gen), false);
    assert.equal(s.ready(file), false);
  });

  it('completes and outlines such a file without analysing it', () => {
    const s = svc();
    const file = { uri, text: big };
    const lines = big.split('\n');
    const line = lines.findIndex((l) => l.startsWith('    type:'));
    assert.ok(s.complete(file, { line, character: 10 }).some((c: any) => c.label === 'service-account'));
    const symbols = s.symbols(file);
    assert.equal(symbols.find((x: any) => x.name === 'identities').children.length, 800);
    assert.equal(s.ready(file), false, 'no analysis was made');
    // A file that does not block is analysed as before (completion offers its own owners).
    const small = { uri: 'file:///ws/small.nhi.yaml', text: inventory(3, false) + '  - id: new\n    owner: \n' };
    const at = small.text.split('\n').length - 2;
    assert.ok(s.complete(small, { line: at, character: 11 }).some((c: any) => c.label === 'team-1@bank.example'));
  });
});
