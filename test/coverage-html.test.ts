/**
 * The HTML report and the CSF target profile (issue 16): `isms coverage|soa|profile --format html` is one
 * self-contained file (no script, no remote resource, CSP meta), well formed, escaped, with one chart bar per
 * group; the target profile of .isms.yaml is validated, inherited from function to category to subcategory, and
 * written as the target columns and the gap of `isms profile`.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { server, ROOT } from './helpers/root';
import { isms } from './helpers/cli';
import { LspClient } from './helpers/lsp-client';

const { coverage } = server('core/coverage/model.js');
const { defaultConfig, mergeConfig } = server('core/config.js');
const { catalog } = server('core/catalog/catalog.js');
const h = server('core/coverage/html.js');
const { readReportJson } = server('core/coverage/json.js');
const { csfProfile, targetOf, profileGap } = server('core/coverage/soa.js');

const FIXTURE = path.join('test', 'fixtures', 'coverage');
const TODAY = '2026-11-23';


/** A copy of the coverage fixture with `.isms.yaml` replaced. */
function fixtureWith(config: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'isms-html-'));
  fs.cpSync(path.join(ROOT, FIXTURE), dir, { recursive: true });
  fs.writeFileSync(path.join(dir, '.isms.yaml'), config);
  return dir;
}

const VOID = new Set(['meta', 'link', 'br', 'hr', 'img', 'input', 'col', 'wbr', 'source', 'area', 'base', 'embed', 'track']);

/** Every element closed in order (void elements excepted), the stylesheet skipped: a tiny well-formedness check. */
function assertBalanced(doc: string): void {
  const body = doc.replace(/<style>[\s\S]*?<\/style>/g, '<style></style>').replace(/^<!DOCTYPE html>/, '');
  const stack: string[] = [];
  const tag = /<(\/?)([a-zA-Z][\w-]*)((?:\s+[\w:-]+(?:="[^"<>]*")?)*)\s*(\/?)>|<|>/g;
  for (let m; (m = tag.exec(body)); ) {
    if (m[0] === '<' || m[0] === '>') assert.fail(`a bare '${m[0]}' at ${m.index}: ${body.slice(Math.max(0, m.index - 60), m.index + 60)}`);
    const name = m[2].toLowerCase();
    if (m[1]) {
      const open = stack.pop();
      assert.equal(open, name, `</${name}> closes <${open}> at ${m.index}: ${body.slice(Math.max(0, m.index - 80), m.index + 20)}`);
    } else if (!VOID.has(name) && !m[4]) stack.push(name);
  }
  assert.deepEqual(stack, [], 'unclosed elements');
}

/** No script, no remote resource, the CSP meta: checked in the markup (tags and the stylesheet), not in escaped text. */
function assertSelfContained(doc: string): void {
  assert.ok(doc.startsWith('<!DOCTYPE html>\n<html lang="en">'));
  assert.ok(doc.includes(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`));
  assert.doesNotMatch(doc, /<script/i);
  const tags = doc.match(/<[a-zA-Z][^>]*>/g) ?? [];
  assert.ok(tags.length > 50);
  for (const t of tags) {
    for (const [, name, value] of t.matchAll(/\s([\w:-]+)(?:="([^"]*)")?/g)) {
      assert.doesNotMatch(name, /^on/i, `event handler in ${t}`);
      if (/^(?:src|href|xlink:href|action|srcset|poster|style)$/i.test(name)) assert.match(value ?? '', /^#/, `only in-page links: ${t}`);
    }
  }
  assert.doesNotMatch(tags.join(''), /https?:|\/\//i);
  const css = /<style>([\s\S]*?)<\/style>/.exec(doc)![1];
  assert.doesNotMatch(css, /url\(|@import|@font-face|https?:/i);
}

const count = (s: string, re: RegExp) => (s.match(re) ?? []).length;
const bars = (doc: string) => [...doc.matchAll(/<g class="bar" data-group="([^"]*)"/g)].map((m) => m[1]);

describe('HTML report', function () {
  this.timeout(30000);
  let report: any;
  before(() => {
    const r = isms(['coverage', FIXTURE, '--format', 'json', '--today', TODAY]);
    assert.equal(r.code, 0, r.err);
    // (The model, as --merge reads the JSON back: each evidence item whole under its control.)
    report = readReportJson(JSON.parse(r.out));
  });

  it('isms coverage --format html: self-contained, well formed, a chart bar per group of each framework, a row per control', () => {
    const r = isms(['coverage', FIXTURE, '--format', 'html', '--today', TODAY]);
    assert.equal(r.code, 0, r.err);
    assertSelfContained(r.out);
    assertBalanced(r.out);
    assert.equal(r.out, h.coverageHtml(report, TODAY).trimEnd() + '\n');
    assert.deepEqual(bars(r.out), report.frameworks.flatMap((f: any) => f.groups.map((g: any) => g.id)));
    assert.equal(count(r.out, /<svg class="chart"[^>]* role="img" aria-label="[^"]+"[^>]*><title>/g), report.frameworks.length);
    for (const f of report.frameworks) {
      const sec = r.out.slice(r.out.indexOf(`<section aria-labelledby="fw-${f.framework}"`));
      const part = sec.slice(0, sec.indexOf('</section>'));
      assert.equal(count(part, /<tr class="state-/g), f.controls.length, f.framework);
    }
    // State in words next to its colour; crosswalk and exclusion named.
    assert.match(r.out, /<th scope="row">PR\.AA-03<\/th><td>[^<]*<\/td><td>PR<\/td><td><span class="badge"><span class="swatch k-crosswalk" aria-hidden="true"><\/span>evidenced \(via crosswalk\)<\/span>/);
    assert.match(r.out, /<li>Excluded: no physical premises; cloud-only<\/li>/);
    assert.match(r.out, /<li data-uri="test\/fixtures\/coverage\/policies\/crypto-draft\.md" data-line="\d+">Cryptography policy <code>[^<]+<\/code> <span class="problems">\(not current: draft\)<\/span><\/li>/);
    assert.match(r.out, /<th scope="col">Control<\/th>/);
    // Printable, light and dark.
    assert.match(r.out, /@media print \{[^@]*break-inside: avoid/);
    assert.match(r.out, /print-color-adjust: exact/);
    assert.match(r.out, /@media \(prefers-color-scheme: dark\)/);
  });

  it('the chart bars add up to each group\'s controls, in the legend\'s states', () => {
    const f = report.frameworks.find((x: any) => x.framework === 'iso27001');
    const chart = h.coverageChart(f).value as string;
    for (const g of f.groups) {
      const s = g.summary;
      const title = `${g.id} ${g.title}: ${[
        [s.evidenced - s.crosswalk, 'evidenced (direct)'], [s.crosswalk, 'evidenced via crosswalk'], [s.stale, 'stale'], [s.mentioned, 'mentioned'], [s.gap, 'gap'], [s.excluded, 'excluded'],
      ].filter(([n]) => n).map(([n, l]) => `${n} ${l}`).join(', ')} (${(s.ratio * 100).toFixed(1)}%)`;
      assert.ok(chart.includes(`aria-label="${h.esc(title)}"`), title);
    }
    assert.match(chart, /<rect class="k-excluded"[^>]*><title>A\.7: 1 excluded<\/title><\/rect>/);
  });

  it('escapes every string from the repository: titles, file names, owners, problems, justifications', () => {
    const evil = '<script>alert(1)</script>"onload="alert(2)\' <img src=x onerror=alert(3)>';
    const bad = structuredClone(report);
    for (const f of bad.frameworks) {
      f.name = evil;
      for (const g of f.groups) g.title = evil;
      for (const c of f.controls) {
        c.title = evil;
        for (const e of c.evidence) Object.assign(e, { name: evil, uri: evil, owners: [evil], lastReviewed: evil, problems: [evil], from: evil, fresh: false });
        for (const m of c.mentions) Object.assign(m, { name: evil, uri: evil });
        if (c.exclusion !== undefined) c.exclusion = evil;
      }
    }
    bad.problems = [evil];
    const config = mergeConfig(defaultConfig(), { soa: { excluded: { 'A.7.4': evil } }, profile: { target: { PR: { notes: evil, policies: evil } } } });
    const cov = coverage([{ kind: 'document', uri: evil, line: 0, name: evil, owners: [evil], problems: [evil], listed: ['iso27001:A.5.1', 'csf:PR.AA-01'], cited: [] }], config, ['csf', 'iso27001']);
    for (const doc of [h.coverageHtml(bad, evil), h.soaHtml(cov, evil), h.profileHtml(cov, evil, config.profile.target)]) {
      assertSelfContained(doc);
      assertBalanced(doc);
      assert.ok(doc.replace(/<wbr>/g, '').includes('&lt;script&gt;alert(1)&lt;/script&gt;&quot;onload=&quot;alert(2)&#39; &lt;img src=x onerror=alert(3)&gt;'));
      assert.doesNotMatch(doc, /<img/);
    }
    assert.equal(h.esc(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    assert.equal(h.html`<p title="${'"x"'}">${['<b>', h.raw('<i>ok</i>'), null, false, 3]}</p>`.value, '<p title="&quot;x&quot;">&lt;b&gt;<i>ok</i>3</p>');
  });

  it('isms soa --format html: exactly the 93 Annex A controls, a bar per theme, the exclusion\'s justification', () => {
    const r = isms(['soa', FIXTURE, '--format', 'html', '--today', TODAY]);
    assert.equal(r.code, 0, r.err);
    assertSelfContained(r.out);
    assertBalanced(r.out);
    const rows = [...r.out.matchAll(/<tr[^>]*><th scope="row">(A\.\d\.\d+)<\/th>/g)].map((m) => m[1]);
    assert.deepEqual(rows, catalog().all('iso27001').filter((c: any) => c.kind === 'control').map((c: any) => c.id));
    assert.equal(rows.length, 93);
    assert.deepEqual(bars(r.out), ['A.5', 'A.6', 'A.7', 'A.8']);
    assert.match(r.out, /<th scope="row">A\.7\.4<\/th><td>[^<]+<\/td><td>Physical controls<\/td><td>No<\/td><td>no physical premises; cloud-only<\/td><td><span class="badge"><span class="swatch k-excluded" aria-hidden="true"><\/span>Not applicable<\/span><\/td>/);
  });

  it('isms profile --format html: one row per subcategory (106), a bar per function', () => {
    const r = isms(['profile', FIXTURE, '--format', 'html', '--today', TODAY]);
    assert.equal(r.code, 0, r.err);
    assertSelfContained(r.out);
    assertBalanced(r.out);
    const rows = [...r.out.matchAll(/<th scope="row">([A-Z]{2}\.[A-Z]{2}-\d{2})<\/th>/g)].map((m) => m[1]);
    assert.deepEqual(rows, catalog().all('csf').filter((c: any) => c.kind === 'subcategory').map((c: any) => c.id));
    assert.equal(rows.length, 106);
    assert.deepEqual(bars(r.out), ['GV', 'ID', 'PR', 'DE', 'RS', 'RC']);
    assert.doesNotMatch(r.out, /Target priority/);
  });

  it('isms soc2 --format html: the 61 criteria, the missing occurrences of the period, self-contained', () => {
    const dir = path.join('test', 'fixtures', 'soc2');
    const r = isms(['soc2', dir, '--format', 'html', '--today', TODAY]);
    assert.equal(r.code, 0, r.err);
    assertSelfContained(r.out);
    assertBalanced(r.out);
    const json = JSON.parse(isms(['soc2', dir, '--format', 'json', '--today', TODAY]).out);
    assert.equal(json.type, 'II');
    assert.ok(json.summary.missingOccurrences > 0);
    const [criteria, missing] = r.out.split('id="missing"');
    assert.equal(count(criteria, /<tr class="state-/g), 61);
    assert.ok(missing, 'a section of missing occurrences');
    assert.equal(count(missing.split('</table>')[0], /<tr>/g) - 1, json.summary.missingOccurrences, 'one row per missing occurrence (and the header)');
  });

  it('--format html is listed in the usage errors and the help of coverage, soa and profile', () => {
    for (const cmd of ['coverage', 'soa', 'profile']) {
      const r = isms([cmd, FIXTURE, '--format', 'htm']);
      assert.equal(r.code, 2);
      assert.match(r.err, /html/);
      assert.match(isms([cmd, '--help']).out, /html/);
    }
  });

  it('the language server answers html with format: "html", the page of the CLI', async () => {
    const dir = fixtureWith(fs.readFileSync(path.join(ROOT, FIXTURE, '.isms.yaml'), 'utf8'));
    const client = new LspClient([path.join(ROOT, 'dist', 'server.js'), '--stdio']);
    try {
      await client.request('initialize', { processId: process.pid, rootUri: pathToFileURL(dir).href, workspaceFolders: [{ uri: pathToFileURL(dir).href, name: 'ws' }], capabilities: { workspace: { configuration: true } } });
      client.settings = { today: TODAY };
      client.notify('initialized', {});
      const r = await client.request('isms/coverage', { frameworks: ['iso27001'], format: 'html' });
      assertSelfContained(r.html);
      assertBalanced(r.html);
      assert.equal(r.html, h.coverageHtml(r.report, r.today));
      const cli = isms(['coverage', '.', '--format', 'html', '--framework', 'iso27001', '--today', TODAY], dir);
      assert.equal(r.html.trimEnd(), cli.out.trimEnd());
      assert.equal(r.markdown, undefined);
    } finally {
      await client.stop();
    }
  });
});

describe('CSF target profile', function () {
  this.timeout(30000);

  it('.isms.yaml profile.target: function, category and subcategory keys, values normalised', () => {
    const problems: any[] = [];
    const c = mergeConfig(defaultConfig(), { profile: { target: { PR: { priority: 'Medium' }, 'csf:pr.aa': { priority: 2, status: 'partially achieved' }, 'PR.AA-01': { status: 'Achieved', notes: ' rotate ', policies: 'Access policy' } } } }, problems);
    assert.deepEqual(problems, []);
    assert.deepEqual(c.profile.target, { PR: { priority: 'medium' }, 'PR.AA': { priority: '2', status: 'Partially achieved' }, 'PR.AA-01': { status: 'Achieved', notes: 'rotate', policies: 'Access policy' } });
    // A subcategory takes its function's fields, overridden by its category's, overridden by its own.
    assert.deepEqual(targetOf('PR.AA-01', c.profile.target), { priority: '2', status: 'Achieved', notes: 'rotate', policies: 'Access policy' });
    assert.deepEqual(targetOf('PR.AA-02', c.profile.target), { priority: '2', status: 'Partially achieved' });
    assert.deepEqual(targetOf('PR.DS-01', c.profile.target), { priority: 'medium' });
    assert.equal(targetOf('GV.OC-01', c.profile.target), undefined);
    assert.deepEqual(defaultConfig().profile, { target: {} });
  });

  it('reports malformed keys, values and fields, and keeps the rest', () => {
    const problems: any[] = [];
    const c = mergeConfig(defaultConfig(), { profile: { target: { 'not an id': {}, GV: 'high', ID: { priority: 'urgent', status: 'done', notes: 3, colour: 'red' }, RS: { priority: 'low' } }, current: {} } }, problems);
    assert.deepEqual(problems.map((p: any) => p.path), ['profile.target.not an id', 'profile.target.GV', 'profile.target.ID.priority', 'profile.target.ID.status', 'profile.target.ID.notes', 'profile.target.ID.colour', 'profile.current']);
    assert.deepEqual(c.profile.target, { ID: {}, RS: { priority: 'low' } });
    const p2: any[] = [];
    mergeConfig(defaultConfig(), { profile: ['x'] }, p2);
    mergeConfig(defaultConfig(), { profile: { target: [] } }, p2);
    assert.deepEqual(p2.map((p: any) => p.path), ['profile', 'profile.target']);
  });

  it('IDs not in CSF 2.0 are problems of the report, named with their successor, like soa.excluded', () => {
    const c = mergeConfig(defaultConfig(), { profile: { target: { 'PR.AC-04': { priority: 'high' }, 'GV.ZZ-01': {}, GV: {} } } });
    assert.deepEqual(coverage([], c, ['csf']).problems, [
      "profile.target: 'PR.AC-04' is a CSF 1.1 ID withdrawn from CSF 2.0 (now PR.AA-05)",
      "profile.target: 'GV.ZZ-01' is not a CSF 2.0 function, category or subcategory",
    ]);
  });

  it('isms profile writes the target columns and the gap between current and target (json, csv, md, html)', () => {
    const dir = fixtureWith(
      [
        'frameworks: [csf, iso27001, soc2, nhi]',
        'profile:',
        '  target:',
        '    PR: { priority: medium }',
        '    PR.AA: { priority: high, policies: "Access control policy" }',
        '    PR.AA-02: { status: Partially achieved }',
        '    PR.AA-06: { status: Not applicable, notes: "cloud-only" }',
        '    GV.OC-01: { priority: 1, notes: "<b>board</b> approves" }',
        '    PR.AC-04: { priority: low }',
        '',
      ].join('\n'),
    );
    const r = isms(['profile', '.', '--format', 'json', '--today', TODAY], dir);
    assert.equal(r.code, 0, r.err);
    assert.match(r.err, /profile\.target: 'PR\.AC-04' is a CSF 1\.1 ID withdrawn from CSF 2\.0 \(now PR\.AA-05\)/);
    const j = JSON.parse(r.out);
    assert.equal(j.title, 'NIST CSF 2.0 Organizational Profile (current and target)');
    assert.equal(j.rows.length, 106);
    const row = (id: string) => j.rows.find((x: any) => x.Subcategory === id);
    const target = (id: string) => ['Current status', 'Target priority', 'Target status', 'Target policies, processes and procedures', 'Target notes', 'Gap'].map((k) => row(id)[k]);
    assert.deepEqual(target('PR.AA-01'), ['Achieved', 'high', 'Achieved', 'Access control policy', '', 'No gap']);
    assert.deepEqual(target('PR.AA-03'), ['Achieved (crosswalk)', 'high', 'Achieved', 'Access control policy', '', 'No gap (evidence through the ISO 27001 crosswalk)']);
    assert.deepEqual(target('PR.AA-02'), ['Not achieved', 'high', 'Partially achieved', 'Access control policy', '', 'Gap: Not achieved -> Partially achieved']);
    assert.deepEqual(target('PR.AA-06'), ['Not achieved', 'high', 'Not applicable', 'Access control policy', 'cloud-only', 'Not applicable']);
    assert.deepEqual(target('PR.PS-01'), ['Not achieved', 'medium', 'Achieved', '', '', 'Gap: Not achieved -> Achieved']);
    assert.deepEqual(target('GV.OC-01'), ['Not achieved', '1', 'Achieved', '', '<b>board</b> approves', 'Gap: Not achieved -> Achieved']);
    assert.deepEqual(target('DE.CM-01'), ['Not achieved', '', '', '', '', '']);
    const csv = isms(['profile', '.', '--format', 'csv', '--today', TODAY], dir).out;
    assert.ok(csv.startsWith('\uFEFFFunction,Category,Subcategory,Outcome,Current status,"Current policies, processes and procedures",Current internal practices,Current roles and responsibilities,Current notes,Target priority,Target status,"Target policies, processes and procedures",Target notes,Gap\r\n'));
    assert.match(isms(['profile', '.', '--today', TODAY], dir).out, /\| Target priority \| Target status \|/);
    const page = isms(['profile', '.', '--format', 'html', '--today', TODAY], dir).out;
    assertSelfContained(page);
    assertBalanced(page);
    assert.match(page, /<th scope="col">Gap<\/th>/);
    assert.ok(page.replace(/<wbr>/g, '').includes('&lt;b&gt;board&lt;/b&gt; approves'));
  });

  it('the gap: current state against target status (Achieved by default)', () => {
    const c = (state: string, crosswalkOnly = false) => ({ state, crosswalkOnly });
    assert.equal(profileGap(c('evidenced'), undefined, 'Achieved'), '');
    assert.equal(profileGap(c('evidenced'), {}, 'Achieved'), 'No gap');
    assert.equal(profileGap(c('stale'), {}, 'Partially achieved (evidence not current)'), 'Gap: Partially achieved (evidence not current) -> Achieved');
    assert.equal(profileGap(c('stale'), { status: 'Partially achieved' }, 'x'), 'No gap');
    assert.equal(profileGap(c('mentioned'), { status: 'Partially achieved' }, 'Referenced, not evidenced'), 'Gap: Referenced, not evidenced -> Partially achieved');
    assert.equal(profileGap(c('gap'), { status: 'Not applicable' }, 'Not achieved'), 'Not applicable');
    assert.equal(profileGap(c('evidenced', true), { priority: 'high' }, 'Achieved'), 'No gap (evidence through the ISO 27001 crosswalk)');
  });

  it('a malformed target is a configuration error (exit 2)', () => {
    const r = isms(['profile', '.', '--today', TODAY], fixtureWith('profile: { target: { PR: { priority: urgent } } }\n'));
    assert.equal(r.code, 2);
    assert.match(r.err, /profile\.target\.PR\.priority: priority must be high, medium, low or a rank/);
  });

  it('without a target, the current profile is unchanged (no target columns)', () => {
    const t = csfProfile(coverage([], defaultConfig(), ['csf']), TODAY);
    assert.equal(t.columns.length, 9);
    assert.equal(t.title, 'NIST CSF 2.0 Organizational Profile (current)');
  });
});
