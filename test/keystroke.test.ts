/**
 * What keeps a keystroke cheap (issue 19), tested for what it must return, never for its speed: the bounded edit
 * distance behind "did you mean" equals the full one wherever it answers, `closest` answers as a plain scan
 * would, the --stdio encoder writes exactly JSON.stringify's bytes, and the findings that a keystroke does not
 * change are the same objects as before it (what the server's kept diagnostics and their JSON hang on).
 */
import * as assert from 'node:assert/strict';
import { server } from './helpers/root';

const { boundedDistance, closest, editDistance } = server('core/lang/document.js');
const { messageBytes } = server('lsp/encode.js');
const { sameValue } = server('core/analysis/intern.js');
const { IsmsService } = server('core/service.js');
const { defaultConfig } = server('core/config.js');
const { WorkspaceIndex } = server('core/workspace-index.js');

/** A small deterministic generator (xorshift). */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

function word(r: () => number, alphabet: string, max: number): string {
  const n = Math.floor(r() * max);
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet[Math.floor(r() * alphabet.length)];
  return s;
}

/** The scan closest() was before: every candidate's full distance, the first of the nearest within max. */
function naiveClosest(w: string, candidates: string[], max: number): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(w.toLowerCase(), c.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return bestD <= max ? best : undefined;
}

describe('keystroke cost: equal results', () => {
  it('boundedDistance equals editDistance up to max, and says "more" past it', () => {
    const r = rng(7);
    for (let k = 0; k < 20_000; k++) {
      const a = word(r, 'abc-', 12);
      const b = r() < 0.3 ? a.slice(0, Math.floor(r() * a.length)) + word(r, 'abc-', 3) + a.slice(Math.floor(r() * a.length)) : word(r, 'abc-', 12);
      const max = Math.floor(r() * 5);
      const full = editDistance(a, b);
      const bounded = boundedDistance(a, b, max);
      if (full <= max) assert.equal(bounded, full, `${a} / ${b} / ${max}`);
      else assert.ok(bounded > max, `${a} / ${b} / ${max}: ${bounded} for ${full}`);
    }
  });

  it('closest answers as the full scan did (the first of the nearest, case-insensitive)', () => {
    const r = rng(11);
    for (let k = 0; k < 3_000; k++) {
      const candidates = Array.from({ length: 1 + Math.floor(r() * 12) }, () => word(r, 'abcAB-', 10));
      const w = r() < 0.5 ? candidates[Math.floor(r() * candidates.length)] + word(r, 'ab', 2) : word(r, 'abcAB-', 10);
      for (const max of [0, 1, 2, 3]) assert.equal(closest(w, candidates, max), naiveClosest(w, candidates, max), `${w} in ${candidates.join(',')} (${max})`);
      const dflt = w.length <= 4 ? 1 : w.length <= 8 ? 2 : 3;
      assert.equal(closest(w, candidates), naiveClosest(w, candidates, dflt));
    }
  });

  it('the --stdio encoder writes the bytes JSON.stringify gives, kept diagnostics included', () => {
    const r = rng(3);
    const kept = Array.from({ length: 20 }, (_, i) => ({
      range: { start: { line: i, character: 0 }, end: { line: i, character: 3 } },
      severity: 1 + (i % 4),
      code: 'link-broken',
      codeDescription: { href: 'https://example.com/link-broken.md' },
      source: 'isms',
      message: `é "quoted" \\ ${'\u2028'} ${i} ${'\ud83d\ude00'}`,
    }));
    for (let k = 0; k < 200; k++) {
      const diagnostics = Array.from({ length: Math.floor(r() * 8) }, () => kept[Math.floor(r() * kept.length)]);
      const msgs = [
        { jsonrpc: '2.0', method: 'textDocument/publishDiagnostics', params: { uri: 'file:///a%20"diagnostics":[]/b.md', version: k, diagnostics } },
        { jsonrpc: '2.0', method: 'textDocument/publishDiagnostics', params: { uri: 'file:///c.md', diagnostics } },
        { jsonrpc: '2.0', id: k, result: { diagnostics } },
        { jsonrpc: '2.0', method: 'window/logMessage', params: { type: 3, message: 'x' } },
      ];
      for (const m of msgs) assert.equal(messageBytes(m).toString('utf8'), JSON.stringify(m));
    }
  });

  it('sameValue is deep equality of plain data', () => {
    assert.ok(sameValue({ a: [1, { b: 'x' }], c: undefined }, { a: [1, { b: 'x' }], c: undefined }));
    assert.ok(!sameValue({ a: 1 }, { a: 1, b: undefined }));
    assert.ok(!sameValue({ a: [1, 2] }, { a: [1, 2, 3] }));
    assert.ok(!sameValue([1], { 0: 1 }));
    assert.ok(!sameValue({ a: '1' }, { a: 1 }));
  });

  it('a keystroke leaves the findings it does not change the same objects (inventory-wide and document-level ones too)', () => {
    const svc = new IsmsService({ relativePath: (u: string) => u.replace('file:///w/', ''), files: { stat: () => 'missing', readText: () => undefined } });
    svc.setConfig({ ...defaultConfig(), today: '2026-12-01' });
    const identities = Array.from({ length: 30 }, (_, i) => `  - id: svc-${i}\n    owner: team@example.com\n    type: api-key\n    purpose: job ${i}\n    offboarding: runbooks/gone-${i}.md\n`).join('');
    const docs = [
      { uri: 'file:///w/a.nhi.yaml', text: `kind: nhi-inventory\nidentities:\n${identities}`, at: 'job 15' },
      { uri: 'file:///w/r.md', text: `---\ntype: runbook\nowner: sre@example.com\n---\n# Runbook\n\n${Array.from({ length: 30 }, (_, i) => `## Step ${i}\n\nSee [the next one](#setp-${i + 1}) and ISO 27001 A.9.9.9.\n`).join('\n')}`, at: '(#setp-16) and' },
    ];
    for (const d of docs) {
      const before = svc.check({ uri: d.uri, text: d.text });
      assert.ok(before.length > 30, `${d.uri}: ${before.length} findings`);
      const at = d.text.indexOf(d.at) + d.at.length;
      const text = d.text.slice(0, at) + 'x' + d.text.slice(at);
      svc.noteChange(d.uri, at, at, 'x');
      const after = svc.check({ uri: d.uri, text });
      const fresh = new IsmsService({ relativePath: (u: string) => u.replace('file:///w/', ''), files: { stat: () => 'missing', readText: () => undefined } });
      fresh.setConfig({ ...defaultConfig(), today: '2026-12-01' });
      assert.deepEqual(after, fresh.check({ uri: d.uri, text }));
      const old = new Set(before);
      // (the edited identity or section is checked again: its findings are new; every other one is the same object)
      const line = text.slice(0, at).split('\n').length - 1;
      const changed = after.filter((f: any) => !old.has(f));
      assert.ok(changed.every((f: any) => Math.abs(f.range.start.line - line) <= 5), `${d.uri}: ${changed.length} of ${after.length} findings are new: ${JSON.stringify(changed.map((f: any) => f.range.start.line))}`);
    }
  });

  it('the encoder writes a moved diagnostic (same message, new range) as JSON.stringify does, and other shapes too', () => {
    const r = rng(5);
    const base = (i: number, line: number, extra: Record<string, unknown> = {}) => ({
      range: { start: { line, character: i }, end: { line: line + (i % 2), character: 3 } },
      severity: 1 + (i % 4),
      code: i % 3 ? 'nhi-offboarding-missing' : 'link-broken',
      codeDescription: { href: `https://example.com/${i % 3}.md` },
      source: 'isms',
      message: `Identity 'svc-${i % 5}' "x" \u2028 ${'\ud83d\ude00'}`,
      ...extra,
    });
    for (let k = 0; k < 300; k++) {
      const i = Math.floor(r() * 12);
      const extra = r() < 0.2 ? { data: { n: k } } : r() < 0.1 ? { tags: [1] } : {};
      const d: Record<string, unknown> = base(i, Math.floor(r() * 1000), extra);
      if (r() < 0.1) d.codeDescription = { href: 'h', other: 1 };
      if (r() < 0.1) delete d.source;
      const m = { jsonrpc: '2.0', method: 'textDocument/publishDiagnostics', params: { uri: 'file:///a.yaml', version: k, diagnostics: [d, base(i, k)] } };
      assert.equal(messageBytes(m).toString('utf8'), JSON.stringify(m));
    }
  });

  it('the workspace index moved by line breaks equals a fresh index (ids repeated, in other cases, retired)', () => {
    const r = rng(9);
    const names = ['a', 'A', 'b', 'c', 'B'];
    for (let round = 0; round < 100; round++) {
      const n = 1 + Math.floor(r() * 8);
      let line = 0;
      let ids = Array.from({ length: n }, () => ({ id: names[Math.floor(r() * names.length)], line: (line += 1 + Math.floor(r() * 3)), ...(r() < 0.2 ? { retired: true as const } : {}) }));
      const moved = new WorkspaceIndex();
      moved.set('file:///other.yaml', { owners: [], ids: [{ id: 'a', line: 3 }, { id: 'b', line: 4, retired: true }] });
      moved.set('file:///x.yaml', { owners: ['o'], ids });
      for (let k = 0; k < 4; k++) {
        // A line break at a random line: every declaration after it moves down (or up, for its removal).
        const at = Math.floor(r() * (line + 1));
        const dl = r() < 0.5 ? 1 : -1;
        ids = ids.map((x) => (x.line > at ? { ...x, line: x.line + dl } : x));
        moved.set('file:///x.yaml', { owners: ['o'], ids });
        const fresh = new WorkspaceIndex();
        fresh.set('file:///other.yaml', { owners: [], ids: [{ id: 'a', line: 3 }, { id: 'b', line: 4, retired: true }] });
        fresh.set('file:///x.yaml', { owners: ['o'], ids });
        for (const id of names) {
          for (const uri of ['file:///x.yaml', 'file:///other.yaml', 'file:///y.yaml']) {
            assert.deepEqual(moved.elsewhere(id, uri), fresh.elsewhere(id, uri), `${id} from ${uri}`);
            assert.deepEqual(moved.retiredElsewhere(id, uri), fresh.retiredElsewhere(id, uri), `${id} from ${uri}`);
          }
        }
      }
    }
  });

  it('findings kept by a rule between analyses are masked in every output and never changed (a masked one is a copy)', () => {
    const svc = new IsmsService({ relativePath: (u: string) => u.replace('file:///w/', ''), files: { stat: () => 'missing', readText: () => undefined } });
    svc.setConfig({ ...defaultConfig(), today: '2026-12-01' });
    const uri = 'file:///w/inv.nhi.yaml';
    const token = 'ghp_abcdefghijklmnopqrstuvwxyz0123456789';
    const identity = (i: number, extra = '') => `  - id: svc-${i}\n    owner: team@x.example\n    offboarding: runbooks/${i === 1 ? token : 'gone'}-${i}.md\n${extra}`;
    const texts = [
      `identities:\n${identity(1)}${identity(2)}${identity(3)}`,
      `identities:\n${identity(1)}${identity(2)}${identity(3, '    purpose: x\n')}`,
      `identities:\n${identity(1)}${identity(2, `    notes: ${token}\n`)}${identity(3, '    purpose: x\n')}`,
      `identities:\n${identity(1)}${identity(2)}${identity(3)}`,
    ];
    const seen: { f: unknown; json: string }[] = [];
    for (const text of texts) {
      const out = svc.check({ uri, text });
      assert.equal(out.filter((f: any) => f.ruleId === 'nhi-offboarding-missing').length, 3);
      assert.ok(!JSON.stringify(out).includes(token), 'a secret shows unmasked');
      for (const x of seen) assert.equal(JSON.stringify(x.f), x.json, 'a finding handed out earlier changed');
      for (const f of out) seen.push({ f, json: JSON.stringify(f) });
    }
  });
});

describe('keystroke cost: findings as runs (line breaks)', () => {
  const { diagnosticsOfRuns, toDiagnostic } = server('lsp/server.js');
  const host = { relativePath: (u: string) => u.replace('file:///w/', ''), files: { stat: () => 'missing', readText: () => undefined } };
  const fresh = () => {
    const s = new IsmsService(host);
    s.setConfig({ ...defaultConfig(), today: '2026-12-01' });
    return s;
  };
  const token = 'ghp_abcdefghijklmnopqrstuvwxyz0123456789';

  it('a secret typed into an identity is masked in the findings of the whole inventory made for it, the others reused', () => {
    // A token one character short of one: identity 7 names it in its offboarding path, which does not exist (a finding
    // of the whole inventory's, quoting the path). Typing its last character makes it a secret; removing it, none.
    const identity = (i: number) => `  - id: svc-${i}\n    owner: team@x.example\n    offboarding: runbooks/${i === 7 ? token.slice(0, -1) : 'gone'}-${i}.md\n`;
    let text = 'identities:\n' + Array.from({ length: 12 }, (_, i) => identity(i)).join('');
    const uri = 'file:///w/typed-secret.nhi.yaml';
    const svc = fresh();
    svc.checkRuns({ uri, text });
    const at = text.indexOf(token.slice(0, -1)) + token.length - 1;
    for (const [step, edit] of [[0, { start: at, end: at, ins: token.at(-1)! }], [1, { start: at, end: at + 1, ins: '' }], [2, { start: at, end: at, ins: token.at(-1)! }]] as const) {
      svc.noteChange(uri, edit.start, edit.end, edit.ins);
      text = text.slice(0, edit.start) + edit.ins + text.slice(edit.end);
      const got = JSON.stringify(diagnosticsOfRuns(svc.checkRuns({ uri, text }), uri));
      const want = JSON.stringify(fresh().check({ uri: `file:///w/typed-secret-fresh-${step}.nhi.yaml`, text }).filter((f: any) => !f.suppressed).map((f: any) => toDiagnostic(f)));
      assert.equal(got, want, `step ${step}`);
      assert.ok(!got.includes(token), `step ${step}: the secret shows unmasked`);
    }
  });

  const identity = (i: number, dup = true) =>
    [
      `  - id: svc-${dup && i % 7 === 3 ? 'dup' : i}`,
      `    name: service-${i}`,
      `    type: ${i % 5 === 0 ? 'robot' : 'service-account'}`,
      `    owner: team-${i % 3}@x.example`,
      ...(i % 4 === 1 ? [`    notes: ${token}`] : []),
      `    credential: static-secret`,
      `    rotation: P90D`,
      `    last_rotated: 2026-0${1 + (i % 9)}-01`,
      ...(i % 3 ? [`    offboarding: runbooks/gone-${i}.md`] : []),
      `    controls: [CSF:PR.AA-01${i % 6 === 0 ? ', XX:1' : ''}]`,
      '',
    ].join('\n');
  const inventory = (n: number, dup = true) => `kind: nhi-inventory\ndefaults: { review_cadence: quarterly }\nidentities:\n${Array.from({ length: n }, (_, i) => identity(i, dup)).join('')}# trailing comment\n`;
  /** Offsets of every line end of `text`. */
  const lineEnds = (text: string) => [...text.matchAll(/\n/g)].map((m) => m.index!);

  it('diagnostics from the runs after random line breaks, their removal and typed characters equal a fresh check of the text', () => {
    for (const seed of [1, 2, 3, 4]) {
      const r = rng(seed);
      const svc = fresh();
      const uri = 'file:///w/a.nhi.yaml';
      // Another inventory declaring svc-dup: cross-file findings join the runs.
      svc.check({ uri: 'file:///w/b.nhi.yaml', text: 'identities:\n  - id: svc-dup\n    owner: a@x.example\n' });
      let text = inventory(40);
      svc.check({ uri, text });
      let withRuns = 0;
      for (let step = 0; step < 60; step++) {
        const kind = r();
        // (Characters go at the end of an identity's value lines: typed after `identities:` they would break the file's cut
        // for the rest of the run, and the whole file is then one run.)
        const ends = kind < 0.6 ? lineEnds(text) : lineEnds(text).filter((e) => /\n    [a-z_]+: [^\n]*$/.test(text.slice(Math.max(0, e - 80), e)));
        const at = ends[Math.floor(r() * ends.length)];
        let start = at;
        let end = at;
        let ins = '';
        if (kind < 0.35) ins = '\n'.repeat(1 + Math.floor(r() * 3));
        else if (kind < 0.6) {
          // remove a blank line if there is one near, else the line break before a blank line
          const blank = text.indexOf('\n\n', Math.max(0, at - 200));
          if (blank < 0) continue;
          start = blank;
          end = blank + 1;
        } else if (kind < 0.85) ins = 'x';
        else ins = '\n    purpose: runs a job';
        svc.noteChange(uri, start, end, ins);
        text = text.slice(0, start) + ins + text.slice(end);
        const runs = svc.checkRuns({ uri, text });
        if (runs.length > 1) withRuns++;
        const got = diagnosticsOfRuns(runs, uri);
        const want = fresh();
        want.check({ uri: 'file:///w/b.nhi.yaml', text: 'identities:\n  - id: svc-dup\n    owner: a@x.example\n' });
        // (A URI of its own: what the drivers keep per URI is shared by the services of a process.)
        const freshUri = `file:///w/fresh-${seed}-${step}.nhi.yaml`;
        const expected = want.check({ uri: freshUri, text }).filter((f: any) => !f.suppressed).map((f: any) => toDiagnostic(f));
        assert.equal(JSON.stringify(got), JSON.stringify(expected), `seed ${seed} step ${step}`);
        // The identities (hover, outline, the workspace index), also when a typed character left the others in place.
        assert.equal(JSON.stringify(svc.analysis({ uri, text }).identities), JSON.stringify(want.analysis({ uri: freshUri, text }).identities), `seed ${seed} step ${step}: identities`);
        assert.ok(!JSON.stringify(got).includes(token), 'a secret shows unmasked');
        // check() of the same analysis gives the same list in file coordinates.
        assert.equal(JSON.stringify(svc.check({ uri, text }).filter((f: any) => !f.suppressed).map((f: any) => toDiagnostic(f))), JSON.stringify(expected));
        // The --stdio encoder writes JSON.stringify's bytes for moved diagnostics (range and the kept rest).
        const msg = { jsonrpc: '2.0', method: 'textDocument/publishDiagnostics', params: { uri, version: step, diagnostics: got } };
        assert.equal(messageBytes(msg).toString('utf8'), JSON.stringify(msg));
      }
      assert.ok(withRuns > 40, `runs used in ${withRuns} of 60 steps`);
    }
  });

  it('inventory-wide findings reused between keystrokes equal a fresh check: ids, offboarding and evidence paths typed, files appearing, going away and changing on disk, line breaks', () => {
    // An in-memory disk the host answers from, changed between keystrokes (no file event tells the service).
    const disk = new Map<string, string>();
    const diskHost = {
      relativePath: (u: string) => u.replace('file:///w/', ''),
      files: {
        stat: (_from: string, target: string) => (disk.has(target) ? 'file' : [...disk.keys()].some((k) => k.startsWith(`${target}/`)) ? 'dir' : 'missing'),
        readText: (_from: string, target: string) => disk.get(target),
      },
    };
    const freshOn = () => {
      const s = new IsmsService(diskHost);
      s.setConfig({ ...defaultConfig(), today: '2026-12-01' });
      return s;
    };
    const doc = (type: string, heading: string) => `---\ntitle: Offboarding\ntype: ${type}\nowner: a@x.example\n---\n\n# Offboarding\n\n## ${heading}\n\nRevoke the key.\n`;
    const identityOf = (i: number) =>
      [
        `  - id: svc-${i}`, // (no two alike at first: a digit typed after svc-1 makes svc-12, a duplicate)
        `    name: service-${i}`,
        `    type: service-account`,
        `    owner: team-${i % 3}@x.example`,
        ...(i % 5 === 2 ? ['    status: revoked'] : []),
        `    credential: static-secret`,
        `    rotation: P90D`,
        `    last_rotated: 2026-0${1 + (i % 9)}-01`,
        ...(i % 4 ? [`    offboarding: runbooks/off-${i % 6}.md${i % 3 === 0 ? '#steps' : ''}`] : []),
        ...(i % 3 === 1 ? [`    evidence: [evidence/ev-${i % 4}.md, evidence/ev-${i % 5}.csv]`] : []),
        `    controls: [CSF:PR.AA-01]`,
        '',
      ].join('\n');
    const files = [0, 1, 2, 3, 4, 5].map((k) => `runbooks/off-${k}.md`).concat([0, 1, 2, 3].map((k) => `evidence/ev-${k}.md`), [0, 1, 2, 3, 4].map((k) => `evidence/ev-${k}.csv`));
    let kept = 0;
    for (const seed of [11, 12, 13]) {
      const r = rng(seed);
      disk.clear();
      for (const f of files) if (r() < 0.5) disk.set(f, f.endsWith('.md') ? doc(r() < 0.5 ? 'runbook' : 'policy', r() < 0.5 ? 'Steps' : 'Other') : 'a,b\n');
      const svc = freshOn();
      const uri = 'file:///w/a.nhi.yaml';
      let text = `kind: nhi-inventory\nidentities:\n${Array.from({ length: 30 }, (_, i) => identityOf(i)).join('')}`;
      let last = svc.checkRuns({ uri, text });
      for (let step = 0; step < 80; step++) {
        const kind = r();
        if (kind < 0.25) {
          // The disk changes between keystrokes: a file appears, goes away, or its type or headings change.
          const f = files[Math.floor(r() * files.length)];
          if (disk.has(f) && r() < 0.5) disk.delete(f);
          else disk.set(f, f.endsWith('.md') ? doc(r() < 0.5 ? 'runbook' : 'procedure-x', r() < 0.5 ? 'Steps' : 'Else') : 'c\n');
        }
        const ends = lineEnds(text).filter((e) => /\n    (id|offboarding|evidence|status|name): [^\n]*$/.test(text.slice(Math.max(0, e - 120), e)) || /\n  - id: [^\n]*$/.test(text.slice(Math.max(0, e - 60), e)));
        const at = ends[Math.floor(r() * ends.length)];
        let start = at;
        let end = at;
        let ins = '';
        const what = r();
        if (what < 0.35) ins = String(Math.floor(r() * 10)); // an id becomes another's (a duplicate) or unique; a path changes
        else if (what < 0.55) start = at - 1; // the last character removed
        else if (what < 0.65) ins = '#steps';
        else if (what < 0.8) ins = '\n';
        else if (what < 0.9) {
          const blank = text.indexOf('\n\n', Math.max(0, at - 200));
          if (blank < 0) continue;
          start = blank;
          end = blank + 1;
        } else ins = 'x';
        if (text.slice(start, end).includes(':') || text.slice(start, end) === ' ') continue;
        svc.noteChange(uri, start, end, ins);
        text = text.slice(0, start) + ins + text.slice(end);
        const runs = svc.checkRuns({ uri, text });
        // (A URI of its own: what the drivers keep per URI is shared by every service of the process, and a fresh check of
        // the same URI could reuse what this test is to check.)
        const expected = freshOn().check({ uri: `file:///w/fresh-${seed}-${step}.nhi.yaml`, text }).filter((f: any) => !f.suppressed);
        assert.equal(JSON.stringify(diagnosticsOfRuns(runs, uri)), JSON.stringify(expected.map((f: any) => toDiagnostic(f))), `seed ${seed} step ${step}`);
        assert.equal(JSON.stringify(svc.check({ uri, text }).filter((f: any) => !f.suppressed)), JSON.stringify(expected), `seed ${seed} step ${step}: check()`);
        const before = new Set(last.flatMap((x: any) => x.findings));
        kept += runs.flatMap((x: any) => x.findings).filter((f: any) => before.has(f)).length;
        last = runs;
      }
    }
    assert.ok(kept > 1000, `findings kept between keystrokes: ${kept}`);
  });

  it('a suppression directive typed a character at a time takes effect at the character that completes it (no directive is known from the change alone)', () => {
    const svc = fresh();
    const uri = 'file:///w/s.nhi.yaml';
    let text = inventory(6, false);
    const diags = () => JSON.stringify(diagnosticsOfRuns(svc.checkRuns({ uri, text }), uri));
    const expected = () => {
      const want = fresh();
      return JSON.stringify(want.check({ uri, text }).filter((f: any) => !f.suppressed).map((f: any) => toDiagnostic(f)));
    };
    assert.equal(diags(), expected());
    // A comment line above the third identity, then the directive typed into it: "isms-" is completed in the middle.
    const at = text.indexOf('  - id: svc-2');
    const type = (s: string, where: number) => {
      svc.noteChange(uri, where, where, s);
      text = text.slice(0, where) + s + text.slice(where);
    };
    type('  # ism\n', at);
    assert.equal(diags(), expected());
    const before = JSON.parse(diags()).length;
    let where = at + '  # ism'.length;
    for (const ch of 's-disable-next-line nhi-secret-storage -- The vendor API has no OIDC, SEC-44') {
      type(ch, where++);
      assert.equal(diags(), expected(), `after typing ${JSON.stringify(ch)}`);
    }
    assert.ok(JSON.parse(diags()).length < before, 'the directive suppresses a finding');
  });

  it('a line break moves the runs below it without making new findings', () => {
    const svc = fresh();
    const uri = 'file:///w/a.nhi.yaml';
    let text = inventory(20, false); // (no repeated id: the in-file duplicate's message names a line)
    const before = svc.checkRuns({ uri, text });
    const at = text.indexOf('\n', text.indexOf('svc-2\n'));
    svc.noteChange(uri, at, at, '\n');
    text = text.slice(0, at) + '\n' + text.slice(at);
    const after = svc.checkRuns({ uri, text });
    assert.equal(after.length, before.length);
    const line = text.slice(0, at).split('\n').length - 1;
    let moved = 0;
    before.forEach((run: any, i: number) => {
      if (run.line <= line) return;
      assert.equal(after[i].line, run.line + 1);
      assert.equal(after[i].findings, run.findings, `run ${i} is the same array`);
      moved++;
    });
    assert.ok(moved > 10);
  });
});
