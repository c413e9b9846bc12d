/**
 * Coverage (issue 16): the evidence model on a small ISMS where every state occurs (test/fixtures/coverage),
 * through `isms coverage` as CI runs it. The JSON and CSV outputs are golden files (test/golden/coverage.*,
 * rewritten with UPDATE_GOLDEN=1 after review); the states are also asserted one by one.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { server, ROOT } from './helpers/root';
import { golden, isms } from './helpers/cli';

const { coverage, coverageControls } = server('core/coverage/model.js');
const { defaultConfig } = server('core/config.js');
const { catalog } = server('core/catalog/catalog.js');
const { readReportJson, reportJson, prettyJson, REPORT_NATIVE_KEYS } = server('core/coverage/json.js');

const FIXTURE = path.join('test', 'fixtures', 'coverage');



describe('isms coverage', function () {
  this.timeout(30000);
  let report: any;
  const state = (fw: string, id: string) => report.frameworks.find((f: any) => f.framework === fw).controls.find((c: any) => c.id === id);
  /** A control's sources: those listing it, then those reaching it through the crosswalk. */
  const listing = (c: any) => c.evidence.map((i: number) => report.sources[i]);

  before(() => {
    const r = isms(['coverage', FIXTURE, '--format', 'json', '--today', '2026-11-23']);
    assert.equal(r.code, 0, r.err);
    report = JSON.parse(r.out);
  });

  it('writes the golden JSON and CSV', () => {
    golden('coverage.json', isms(['coverage', FIXTURE, '--format', 'json', '--today', '2026-11-23']).out);
    golden('coverage.csv', isms(['coverage', FIXTURE, '--format', 'csv', '--today', '2026-11-23']).out);
  });

  it('writes each document and identity once, in file and line order; controls refer to them by index', () => {
    const keys = report.sources.map((s: any) => JSON.stringify(s));
    assert.equal(new Set(keys).size, keys.length);
    const place = (s: any) => [s.uri, s.line];
    const sorted = report.sources.slice().sort((x: any, y: any) => (x.uri < y.uri ? -1 : x.uri > y.uri ? 1 : x.line - y.line));
    assert.deepEqual(report.sources.map(place), sorted.map(place));
    const used = new Set<number>();
    for (const f of report.frameworks)
      for (const c of f.controls) {
        assert.deepEqual(Object.keys(c).slice(0, 8), ['id', 'title', 'group', 'state', 'crosswalkOnly', 'evidence', 'crosswalk', 'mentions']);
        for (const i of [...c.evidence, ...c.crosswalk.flatMap((x: any) => x.sources)]) {
          assert.ok(Number.isInteger(i) && i >= 0 && i < report.sources.length);
          used.add(i);
        }
      }
    assert.equal(used.size, report.sources.length, 'every source is evidence for some control');
    // Read back (as --merge reads it) and written again: the same text.
    const text = isms(['coverage', FIXTURE, '--format', 'json', '--today', '2026-11-23']).out;
    assert.equal(prettyJson(reportJson(readReportJson(JSON.parse(text)), '2026-11-23', report.version)) + '\n', text);
  });

  it('writes the sources natively with the same text as the generic writer, whatever the strings hold', () => {
    const odd = ['a,\n  b', '[x]', '"quoted" \\ back', 'tab\there', 'é ✓ \u2028', '', '{', ']'];
    const sources = odd.map((name, i) => ({ kind: 'document', uri: `d/${name}.md`, line: i, name, owners: i % 2 ? [] : [name, 'x'], fresh: i % 3 === 0, problems: i % 2 ? [name] : [] }));
    const value = { version: '1', sources, more: [[1, -0, 1e21, 0.5], [], [[]], [{ a: [] }], { sources: [{ deep: [1, [2]] }] }], problems: odd };
    assert.equal(prettyJson(value, new Set(['sources'])), prettyJson(value));
    assert.equal(prettyJson({ ...value, mentions: sources.map(({ uri, line, name }) => ({ uri, line, name })) }, REPORT_NATIVE_KEYS), prettyJson({ ...value, mentions: sources.map(({ uri, line, name }) => ({ uri, line, name })) }));
    assert.equal(prettyJson(value, new Set(['sources', 'more', 'problems'])), prettyJson(value));
    assert.match(prettyJson(value, new Set(['sources'])), /"owners": \["a,\\n  b", "x"\]/);
  });

  it('gives the CSF 2.0 ratio per category too: 22 categories, their controls adding up to the 106 subcategories', () => {
    const csf = report.frameworks.find((f: any) => f.framework === 'csf');
    assert.equal(csf.categories.length, 22);
    assert.equal(csf.categories.reduce((n: number, g: any) => n + g.summary.total, 0), 106);
    assert.deepEqual(csf.categories.slice(0, 2).map((g: any) => g.id), ['GV.OC', 'GV.RM']);
    const aa = csf.categories.find((g: any) => g.id === 'PR.AA');
    const members = csf.controls.filter((c: any) => c.id.startsWith('PR.AA-'));
    assert.equal(aa.summary.total, members.length);
    assert.equal(aa.summary.evidenced, members.filter((c: any) => c.state === 'evidenced').length);
    assert.ok(report.frameworks.filter((f: any) => f.framework !== 'csf').every((f: any) => f.categories === undefined));
  });

  it('evidenced: listed by an approved, owned document reviewed in time, or a sound identity', () => {
    assert.equal(state('iso27001', 'A.5.16').state, 'evidenced');
    assert.equal(state('soc2', 'CC6.3').state, 'evidenced');
    assert.deepEqual(listing(state('soc2', 'CC6.3')).map((e: any) => [e.kind, e.name, e.uri, e.line, e.fresh]), [['identity', 'svc-payments', 'test/fixtures/coverage/inventories/prod.nhi.yaml', 4, true]]);
  });

  it('stale: only a draft, an overdue review or an overdue rotation evidences it', () => {
    assert.deepEqual([state('iso27001', 'A.8.24').state, listing(state('iso27001', 'A.8.24'))[0].problems], ['stale', ['draft']]);
    assert.deepEqual([state('soc2', 'CC6.2').state, listing(state('soc2', 'CC6.2'))[0].problems], ['stale', ['review overdue']]);
    assert.deepEqual([state('soc2', 'CC6.6').state, listing(state('soc2', 'CC6.6'))[0].problems], ['stale', ['rotation overdue']]);
  });

  it('reaches controls through NIST\'s crosswalk, marked as such', () => {
    const c = state('csf', 'PR.AA-03');
    assert.deepEqual([c.state, c.crosswalkOnly], ['evidenced', true]);
    assert.deepEqual(c.evidence, []);
    assert.deepEqual(c.crosswalk.map((x: any) => [x.from, x.sources.map((i: number) => report.sources[i].name)]), [['iso27001:A.5.15', ['Access control policy']]]);
    // The same source, listed for A.5.15 directly: one entry in `sources`, referred to from both controls.
    assert.deepEqual(state('iso27001', 'A.5.15').evidence, c.crosswalk[0].sources);
    const f = report.frameworks.find((x: any) => x.framework === 'csf').summary;
    assert.ok(f.ratioWithCrosswalk > f.ratio);
  });

  it('mentioned: cited in a body and listed nowhere; gap: nothing; excluded: with its justification', () => {
    assert.equal(state('soc2', 'CC7.2').state, 'mentioned');
    assert.deepEqual(state('soc2', 'CC7.2').mentions.map((m: any) => m.line), [26]);
    assert.equal(state('soc2', 'CC1.1').state, 'gap');
    assert.deepEqual([state('iso27001', 'A.7.4').state, state('iso27001', 'A.7.4').exclusion], ['excluded', 'no physical premises; cloud-only']);
    const iso = report.frameworks.find((x: any) => x.framework === 'iso27001').summary;
    assert.equal(iso.excluded, 1);
    assert.equal(iso.ratio, Math.round(((iso.evidenced - iso.crosswalk) / (iso.total - 1)) * 10000) / 10000);
  });

  it('counts every control of each framework once: 106 CSF subcategories, 93 Annex A controls and the clause leaves', () => {
    const csf = report.frameworks.find((x: any) => x.framework === 'csf');
    assert.equal(csf.controls.length, 106);
    assert.deepEqual(csf.groups.map((g: any) => g.id), ['GV', 'ID', 'PR', 'DE', 'RS', 'RC']);
    const iso = report.frameworks.find((x: any) => x.framework === 'iso27001');
    assert.equal(iso.controls.filter((c: any) => c.id.startsWith('A.')).length, 93);
    assert.equal(coverageControls('iso27001').filter((c: any) => c.kind === 'clause').every((c: any) => !catalog().all('iso27001').some((x: any) => x.parent === c.id)), true);
  });

  it('CSV opens in a spreadsheet: UTF-8 BOM, CRLF, quoted fields', () => {
    const csv = isms(['coverage', FIXTURE, '--format', 'csv', '--framework', 'soc2', '--today', '2026-11-23']).out;
    assert.ok(csv.startsWith('\ufeffframework,control,title,'));
    assert.match(csv, /\r\nsoc2,CC1\.3,"Structures, reporting lines and authorities",CC1,gap,no,,,,,\r\n/);
    assert.equal(csv.trimEnd().split('\r\n').length, 62);
  });

  it('--fail-under is a CI gate; --framework selects; mistakes are usage errors', () => {
    const below = isms(['coverage', FIXTURE, '--framework', 'nhi', '--fail-under', '30', '--today', '2026-11-23']);
    assert.equal(below.code, 1);
    assert.match(below.err, /OWASP Non-Human Identities Top 10 \(2025\): 20\.0% evidenced, below --fail-under 30%/);
    assert.equal(isms(['coverage', FIXTURE, '--framework', 'nhi', '--fail-under', '20', '--today', '2026-11-23']).code, 0);
    assert.match(isms(['coverage', FIXTURE, '--framework', 'cobit']).err, /unknown framework 'cobit'/);
    assert.equal(isms(['coverage', FIXTURE, '--fail-under', 'lots']).code, 2);
    assert.equal(isms(['coverage', FIXTURE, '--format', 'xls']).code, 2);
  });

  it('--merge joins the reports of several repositories: evidence of all, states decided again', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'isms-merge-'));
    const a = path.join(dir, 'identity-team.json');
    const b = path.join(dir, 'platform.json');
    fs.writeFileSync(a, isms(['coverage', FIXTURE, '--format', 'json', '--today', '2026-11-23']).out);
    fs.writeFileSync(b, isms(['coverage', 'examples', '--format', 'json', '--today', '2026-11-23']).out);
    const r = isms(['coverage', '--merge', a, b, '--format', 'json', '--framework', 'soc2']);
    assert.equal(r.code, 0, r.err);
    const merged = JSON.parse(r.out);
    assert.deepEqual(merged.frameworks.map((f: any) => f.framework), ['soc2']);
    const one = (file: string, id: string) => JSON.parse(fs.readFileSync(file, 'utf8')).frameworks.find((f: any) => f.framework === 'soc2').controls.find((c: any) => c.id === id);
    const m = (id: string) => merged.frameworks[0].controls.find((c: any) => c.id === id);
    // CC6.2 is stale in the identity team's repository and evidenced in the platform's: evidenced once merged.
    assert.deepEqual([one(a, 'CC6.2').state, one(b, 'CC6.2').state, m('CC6.2').state], ['stale', 'evidenced', 'evidenced']);
    const uris = m('CC6.2').evidence.map((i: number) => merged.sources[i].uri);
    assert.ok(uris.some((u: string) => u.startsWith('identity-team/')) && uris.some((u: string) => u.startsWith('platform/')));
    // A report in the earlier format (every evidence item written out under its control) merges the same.
    const old = path.join(dir, 'identity-team-old.json');
    const expanded = readReportJson(JSON.parse(fs.readFileSync(a, 'utf8')));
    fs.writeFileSync(old, JSON.stringify({ version: '0.1.0', ...expanded }, null, 2));
    const again = isms(['coverage', '--merge', old, b, '--format', 'json', '--framework', 'soc2']);
    assert.equal(again.code, 0, again.err);
    assert.equal(again.out.replaceAll('identity-team-old', 'identity-team'), r.out);
    assert.equal(isms(['coverage', '--merge']).code, 2);
    assert.match(isms(['coverage', '--merge', path.join(ROOT, 'package.json')]).err, /not a coverage report/);
  });

  it('an exclusion without a justification is a configuration error', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'isms-cov-'));
    fs.writeFileSync(path.join(dir, '.isms.yaml'), 'soa:\n  excluded:\n    A.7.4: ""\n');
    const r = isms(['coverage', dir]);
    assert.equal(r.code, 2);
    assert.match(r.err, /soa\.excluded\.A\.7\.4: an exclusion from the Statement of Applicability needs its justification/);
  });

  it('writes the sources of a report from coverage() as of any report: places shared, equal sources once, others by their text', () => {
    const cfg = defaultConfig();
    cfg.frameworks = ['csf', 'iso27001', 'sp800-53'];
    const src = (uri: string, line: number, name: string, listed: string[], problems: string[] = []) => ({ kind: 'document', uri, line, name, owners: ['o'], problems, listed, cited: [] });
    const sources = [
      src('b.md', 4, 'b', ['csf:PR.AA-01', 'iso27001:A.5.15']),
      src('a.md', 0, 'z', ['csf:GV.OC-01']),
      src('a.md', 0, 'z', ['iso27001:A.5.1', 'csf:GV.OC-01']), // (equal to the one before: one source)
      src('a.md', 0, 'm', ['csf:GV.OC-01'], ['draft']), // (at the same place, different: ordered by its text)
      src('a.md', 2, 'y', ['sp800-53:AC-2']),
      src('c.md', 0, 'c', ['nhi:NHI1']), // (a framework not reported: no source)
    ];
    const report = coverage(sources, cfg);
    // The report's own placement, and the same report without it (a copy: written as any report is).
    const text = prettyJson(reportJson(report, 'd', 'v'), new Set(['sources']));
    assert.equal(text, prettyJson(reportJson({ ...report }, 'd', 'v'), new Set(['sources'])));
    assert.deepEqual(JSON.parse(text).sources.map((s: any) => `${s.uri}:${s.line}:${s.name}`), ['a.md:0:m', 'a.md:0:z', 'a.md:2:y', 'b.md:4:b']);
    // (Nothing of the placement shows in the report: compared, copied or written as before.)
    assert.deepEqual(Object.keys(report), ['frameworks', 'problems']);
    assert.equal(prettyJson([1, -0, 1e21, 0.5, 2.5e-7, -3]), '[1, 0, 1e+21, 0.5, 2.5e-7, -3]');
  });

  it('decides states in order: excluded, evidenced, stale, mentioned, gap', () => {
    const cfg = defaultConfig();
    cfg.soa.excluded = { 'A.5.1': 'not applicable' };
    const src = (listed: string[], problems: string[] = [], cited: string[] = []) => ({ kind: 'document', uri: 'd.md', line: 0, name: 'd', owners: ['o'], problems, listed, cited: cited.map((key) => ({ key, line: 3 })) });
    const r = coverage([src(['iso27001:A.5.1', 'iso27001:A.5.2']), src(['iso27001:A.5.2', 'iso27001:A.5.3'], ['draft'], ['iso27001:A.5.4'])], cfg, ['iso27001']);
    const s = (id: string) => r.frameworks[0].controls.find((c: any) => c.id === id).state;
    assert.deepEqual(['A.5.1', 'A.5.2', 'A.5.3', 'A.5.4', 'A.5.5'].map(s), ['excluded', 'evidenced', 'stale', 'mentioned', 'gap']);
  });
});

describe('isms soa and isms profile', function () {
  this.timeout(30000);

  it('the Statement of Applicability has exactly the 93 Annex A controls, exclusions with their justification', () => {
    const r = isms(['soa', FIXTURE, '--format', 'json', '--today', '2026-11-23']);
    assert.equal(r.code, 0, r.err);
    const rows = JSON.parse(r.out).rows;
    const annexA = catalog().all('iso27001').filter((c: any) => c.kind === 'control').map((c: any) => c.id);
    assert.deepEqual(rows.map((x: any) => x.Control), annexA);
    assert.equal(rows.length, 93);
    const row = (id: string) => rows.find((x: any) => x.Control === id);
    assert.deepEqual([row('A.7.4').Applicable, row('A.7.4').Justification, row('A.7.4')['Implementation status']], ['No', 'no physical premises; cloud-only', 'Not applicable']);
    assert.match(row('A.5.16').Justification, /^Implemented by Access control policy \(test\/fixtures\/coverage\/policies\/access-control\.md:11\)/);
    assert.equal(row('A.5.16')['Implementation status'], 'Implemented');
    assert.deepEqual([row('A.8.24')['Implementation status'], row('A.8.24')['Open issues']], ['Implemented, evidence not current', 'Cryptography policy: draft']);
    assert.equal(row('A.5.2')['Implementation status'], 'Not implemented');
    golden('soa.csv', isms(['soa', FIXTURE, '--format', 'csv', '--today', '2026-11-23']).out);
  });

  it('the CSF profile has one row per subcategory (106)', () => {
    const r = isms(['profile', FIXTURE, '--format', 'json', '--today', '2026-11-23']);
    assert.equal(r.code, 0, r.err);
    const rows = JSON.parse(r.out).rows;
    assert.equal(rows.length, 106);
    assert.deepEqual(rows.map((x: any) => x.Subcategory), catalog().all('csf').filter((c: any) => c.kind === 'subcategory').map((c: any) => c.id));
    const pr = rows.find((x: any) => x.Subcategory === 'PR.AA-01');
    assert.equal(pr['Current status'], 'Achieved');
    assert.match(pr['Current policies, processes and procedures'], /Rotate API keys \(test\/fixtures\/coverage\/runbooks\/rotate-keys\.md:10\)/);
    assert.equal(rows.find((x: any) => x.Subcategory === 'PR.AA-03')['Current status'], 'Achieved (crosswalk)');
    golden('profile.csv', isms(['profile', FIXTURE, '--format', 'csv', '--today', '2026-11-23']).out);
    assert.match(isms(['profile', FIXTURE, '--today', '2026-11-23']).out, /^# NIST CSF 2\.0 Organizational Profile \(current\)\n/);
  });
});
