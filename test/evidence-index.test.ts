/**
 * The kept coverage model of the server (core/evidence-index.ts, core/coverage/incremental.ts): evidence kept per
 * file, compared on every update, and a report kept control by control, which must equal coverage() over every
 * file's evidence after any sequence of changes (random sequences here; through the server in test/lsp.test.ts).
 */
import * as assert from 'node:assert/strict';
import { server } from './helpers/root';

const { EvidenceIndex, sameSources } = server('core/evidence-index.js');
const { coverage } = server('core/coverage/model.js');
const { sliceReport } = server('core/coverage/slice.js');
const { countsOf } = server('core/coverage/incremental.js');
const { defaultConfig } = server('core/config.js');

/** A small deterministic PRNG (mulberry32). */
function rng(seed: number) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Keys that meet in the crosswalk (CSF <-> ISO 27001 <-> SP 800-53; ISO 27001 A.x = ISO 27002 x), and some that do not.
const KEYS = ['csf:PR.AA-01', 'csf:PR.AA-05', 'csf:GV.OC-01', 'iso27001:A.5.16', 'iso27002:5.16', 'iso27001:A.5.15', 'iso27001:A.8.24', 'iso27001:6.1', 'soc2:CC6.1', 'soc2:CC6.3', 'nhi:NHI1', 'nhi:NHI7', 'sp800-53:AC-2', 'sp800-53:IA-5'];
const PROBLEMS = ['draft', 'no owner', 'review overdue', 'open errors'];

function randomSources(r: () => number, file: string): any[] {
  const n = Math.floor(r() * 4);
  const out: any[] = [];
  for (let i = 0; i < n; i++) {
    const pickSome = (k: number) => [...new Set(Array.from({ length: Math.floor(r() * k) }, () => KEYS[Math.floor(r() * KEYS.length)]))];
    out.push({
      kind: r() < 0.5 ? 'document' : 'identity',
      uri: file,
      // (Now and then on the same line as the one before: identities of a flow sequence share a line.)
      line: i > 0 && r() < 0.2 ? out[i - 1].line : i * 10 + Math.floor(r() * 3),
      name: `${file} #${i}`,
      ...(r() < 0.5 ? { type: 'policy' } : {}),
      owners: r() < 0.8 ? ['team@example.com'] : [],
      ...(r() < 0.5 ? { lastReviewed: '2026-10-01' } : {}),
      problems: r() < 0.6 ? [] : [PROBLEMS[Math.floor(r() * PROBLEMS.length)]],
      listed: pickSome(4),
      cited: pickSome(3).map((key, j) => ({ key, line: j + 1 })),
    });
  }
  return out;
}

describe('EvidenceIndex: the evidence of every file, kept', () => {
  const src = (over: any = {}) => ({ kind: 'document', uri: 'a.md', line: 0, name: 'A', owners: ['o'], problems: [], listed: ['csf:PR.AA-01'], cited: [], ...over });

  it('reports a change only when the evidence differs, and names the files changed since the last notification', () => {
    const ix = new EvidenceIndex();
    assert.equal(ix.set('file:///a.md', [src()], 'h1'), true);
    assert.equal(ix.set('file:///a.md', [src()], 'h2'), false, 'equal evidence read from another text');
    assert.equal(ix.set('file:///b.md', [], 'h3'), false, 'a file without evidence');
    assert.deepEqual(ix.takeChanged(), ['file:///a.md']);
    assert.equal(ix.set('file:///a.md', [src({ problems: ['draft'] })], 'h4'), true);
    assert.equal(ix.set('file:///a.md', [src({ problems: ['draft'], extra: { x: 1 } })], 'h4'), true, 'a field added later is compared too');
    assert.equal(ix.delete('file:///a.md'), true);
    assert.equal(ix.delete('file:///b.md'), false);
    assert.deepEqual(ix.takeChanged(), ['file:///a.md']);
    assert.deepEqual(ix.takeChanged(), []);
    assert.equal(sameSources([src()], [src({ cited: [{ key: 'csf:PR.AA-01', line: 3 }] })]), false);
  });

  it('keeps files stale until read, and marks again the files whose reading consulted a file that changed', () => {
    const ix = new EvidenceIndex();
    ix.markStale('file:///a.md');
    ix.markStale('file:///b.md');
    assert.deepEqual(ix.staleFiles().sort(), ['file:///a.md', 'file:///b.md']);
    ix.set('file:///a.md', [src()], 'h', ['/ws/runbook.md']);
    ix.set('file:///b.md', [], 'h', ['/ws/other.md']);
    assert.equal(ix.staleCount, 0);
    assert.equal(ix.stamp('file:///a.md'), 'h');
    assert.deepEqual(ix.markDependentsStale('/ws/runbook.md'), ['file:///a.md']);
    assert.equal(ix.isStale('file:///a.md'), true);
    assert.equal(ix.get('file:///a.md'), undefined);
    // Read again without the link: it no longer depends on the runbook.
    ix.set('file:///a.md', [src()], 'h2', []);
    assert.deepEqual(ix.markDependentsStale('/ws/runbook.md'), []);
    ix.markAllStale();
    assert.equal(ix.staleCount, 2);
    ix.set('file:///dir/c.md', [src({ uri: 'dir/c.md' })], 'h');
    assert.deepEqual(ix.deleteUnder('file:///dir'), ['file:///dir/c.md']);
    assert.equal(ix.has('file:///dir/c.md'), false);
  });

  it('counts a source once per control, as the report lists it', () => {
    const s = (over: any) => ({ kind: 'identity', uri: 'i.yaml', line: 3, name: 'x', owners: ['o'], problems: [], listed: [], cited: [], ...over });
    // Listed directly and through the crosswalk (ISO 27002 5.16 = ISO 27001 A.5.16): one item, listed.
    const both = countsOf([s({ listed: ['iso27001:A.5.16', 'iso27002:5.16'] })]).get('iso27001:A.5.16');
    assert.deepEqual(both, { items: 1, listed: 1, freshListed: 1, fresh: 1, mentions: 0 });
    // Two identities on one line reaching a control only through the crosswalk: one item, the first one's freshness.
    const shared = countsOf([s({ listed: ['iso27002:5.16'], problems: ['no owner'] }), s({ listed: ['iso27002:5.16'] })]).get('iso27001:A.5.16');
    assert.deepEqual(shared, { items: 1, listed: 0, freshListed: 0, fresh: 0, mentions: 0 });
  });

  it('keeps the coverage report equal to coverage() over every file, after random sequences of changes', () => {
    const config = defaultConfig();
    config.frameworks = ['csf', 'iso27001', 'iso27002', 'soc2', 'nhi', 'sp800-53'];
    config.soa.excluded = { 'A.5.15': 'not applicable here' };
    for (let seed = 1; seed <= 8; seed++) {
      const r = rng(seed);
      const ix = new EvidenceIndex();
      const files = Array.from({ length: 12 }, (_, i) => `file:///ws/${String.fromCharCode(97 + ((i * 7) % 12))}${i}.md`);
      for (let step = 0; step < 60; step++) {
        const f = files[Math.floor(r() * files.length)];
        const op = r();
        if (op < 0.15) ix.delete(f);
        else if (op < 0.25) ix.set(f, ix.get(f) ? JSON.parse(JSON.stringify(ix.get(f))) : [], 'same');
        else ix.set(f, randomSources(r, f.slice('file:///ws/'.length)), String(step));
        // (Asked now and then, for some frameworks: controls computed under one request stay right for the next.)
        if (r() < 0.4) {
          const fws = r() < 0.5 ? config.frameworks : [config.frameworks[Math.floor(r() * 6)]];
          const fresh = coverage(ix.sources(), config, fws);
          assert.deepEqual(ix.model.statesReport(config, fws), sliceReport(fresh, { evidence: false }), `states: seed ${seed}, step ${step}`);
          if (r() < 0.5) assert.deepEqual(ix.model.report(config, fws), fresh, `seed ${seed}, step ${step}`);
          else {
            const only = new Set(KEYS.filter(() => r() < 0.3));
            const part = ix.model.report(config, fws, only);
            const want = sliceReport(fresh, { controls: [...only] });
            assert.deepEqual(part, want, `only ${[...only]}: seed ${seed}, step ${step}`);
          }
        }
      }
      assert.deepEqual(ix.model.report(config), coverage(ix.sources(), config), `seed ${seed}, at the end`);
      assert.deepEqual(ix.model.statesReport(config), sliceReport(coverage(ix.sources(), config), { evidence: false }), `seed ${seed}, at the end`);
    }
  });
});
