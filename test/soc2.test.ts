/**
 * Review and rotation history, the SOC 2 Type II period (issue 16): occurrence windows (core/period.ts), history
 * reading in inventories and front matter (lang/history.ts and the rules that read the last review or rotation),
 * audit_period, review-period-gap, and `isms soc2` on test/fixtures/soc2 with golden JSON and CSV
 * (test/golden/soc2.*, rewritten with UPDATE_GOLDEN=1 after review).
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { server, ROOT } from './helpers/root';
import { golden, isms } from './helpers/cli';
import { findingsOf, ruleTester } from './helpers/rule-tester';

const { occurrenceWindows, addMonths, cadenceMonths } = server('core/period.js');
const { parsePeriod, mergeConfig, defaultConfig } = server('core/config.js');
const { parseDate, formatDate } = server('core/dates.js');
const { soc2Matrix } = server('core/coverage/soc2.js');

const FIXTURE = path.join('test', 'fixtures', 'soc2');
const YEAR = { start: '2026-01-01', end: '2026-12-31' };



/** [start, end, state] of each window. */
const spans = (ws: any[]) => ws.map((w) => [w.start, w.end, w.state]);

describe('occurrence windows', () => {
  it('quarterly over a calendar year: one window per quarter, aligned to the period start', () => {
    const ws = occurrenceWindows(YEAR, 90, ['2026-03-31', '2026-04-01', '2026-09-30'], '2026-11-23');
    assert.deepEqual(spans(ws), [
      ['2026-01-01', '2026-03-31', 'evidenced'],
      ['2026-04-01', '2026-06-30', 'evidenced'],
      ['2026-07-01', '2026-09-30', 'evidenced'],
      ['2026-10-01', '2026-12-31', 'open'],
    ]);
    assert.deepEqual(ws.map((w: any) => w.date), ['2026-03-31', '2026-04-01', '2026-09-30', undefined]);
  });

  it('boundary days: the first and last day of a window are inside, the days around the period outside', () => {
    const q = { start: '2026-01-01', end: '2026-03-31' };
    assert.equal(occurrenceWindows(q, 90, ['2026-01-01'], '2026-11-23')[0].state, 'evidenced');
    assert.equal(occurrenceWindows(q, 90, ['2026-03-31'], '2026-11-23')[0].state, 'evidenced');
    assert.equal(occurrenceWindows(q, 90, ['2025-12-31'], '2026-11-23')[0].state, 'missing');
    assert.equal(occurrenceWindows(q, 90, ['2026-04-01'], '2026-11-23')[0].state, 'missing');
  });

  it('only windows that ended before today can be missing (one ending today is open)', () => {
    const ws = occurrenceWindows(YEAR, 90, [], '2026-06-30');
    assert.deepEqual(ws.map((w: any) => w.state), ['missing', 'open', 'open', 'open']);
    assert.deepEqual(occurrenceWindows(YEAR, 90, [], '2026-07-01').map((w: any) => w.state), ['missing', 'missing', 'open', 'open']);
  });

  it('monthly from a month end: windows start on the same day or the month\'s last day', () => {
    const ws = occurrenceWindows({ start: '2026-01-31', end: '2026-05-30' }, 30, [], '2027-01-01');
    assert.deepEqual(ws.map((w: any) => [w.start, w.end]), [
      ['2026-01-31', '2026-02-27'],
      ['2026-02-28', '2026-03-30'],
      ['2026-03-31', '2026-04-29'],
      ['2026-04-30', '2026-05-30'],
    ]);
    assert.equal(ws[3].partial, false); // 04-30 + 1 month = 05-30: the period ends the day before
  });

  it('leap years: February 29 exists in 2024 and not in 2025', () => {
    const ws = occurrenceWindows({ start: '2024-01-31', end: '2024-03-30' }, 30, ['2024-02-29'], '2025-01-01');
    assert.deepEqual(spans(ws), [
      ['2024-01-31', '2024-02-28', 'missing'],
      ['2024-02-29', '2024-03-30', 'evidenced'],
    ]);
    assert.equal(formatDate(addMonths(parseDate('2024-02-29'), 12)), '2025-02-28');
    const annual = occurrenceWindows({ start: '2024-02-29', end: '2026-02-27' }, 365, ['2025-02-28'], '2026-12-01');
    assert.deepEqual(spans(annual), [
      ['2024-02-29', '2025-02-27', 'missing'],
      ['2025-02-28', '2026-02-27', 'evidenced'],
    ]);
  });

  it('a period shorter than the cadence is one partial window, evidenced by a date within one cadence of its end', () => {
    const short = { start: '2026-02-15', end: '2026-03-31' };
    const [w] = occurrenceWindows(short, 90, ['2026-01-01'], '2026-11-23');
    assert.deepEqual([w.start, w.end, w.partial, w.from, w.state, w.date], ['2026-02-15', '2026-03-31', true, '2026-01-01', 'evidenced', '2026-01-01']);
    assert.equal(occurrenceWindows(short, 90, ['2025-12-31'], '2026-11-23')[0].state, 'missing');
    // The last window of a longer period, cut short by the period end:
    const cut = occurrenceWindows({ start: '2026-01-01', end: '2026-05-15' }, 90, ['2026-02-01', '2026-03-01'], '2026-11-23');
    assert.deepEqual(cut.map((w: any) => [w.start, w.end, w.partial, w.from, w.state]), [
      ['2026-01-01', '2026-03-31', false, '2026-01-01', 'evidenced'],
      ['2026-04-01', '2026-05-15', true, '2026-02-16', 'evidenced'],
    ]);
  });

  it('a cadence that is no whole number of months steps in days', () => {
    assert.equal(cadenceMonths(45), undefined);
    assert.equal(cadenceMonths(90), 3);
    assert.equal(cadenceMonths(365), 12);
    assert.equal(cadenceMonths(730), 24);
    const ws = occurrenceWindows({ start: '2026-01-01', end: '2026-03-31' }, 45, ['2026-02-14'], '2026-11-23');
    assert.deepEqual(spans(ws), [
      ['2026-01-01', '2026-02-14', 'evidenced'],
      ['2026-02-15', '2026-03-31', 'missing'],
    ]);
  });

  it('unreadable periods and dates give nothing or count for nothing', () => {
    assert.deepEqual(occurrenceWindows({ start: '2026-12-31', end: '2026-01-01' }, 90, [], '2026-11-23'), []);
    assert.deepEqual(occurrenceWindows(YEAR, 0, [], '2026-11-23'), []);
    assert.equal(occurrenceWindows(YEAR, 365, ['not a date', '2026-02-30'], '2027-01-01')[0].state, 'missing');
  });
});

describe('audit_period', () => {
  it('parses START..END and {start, end}', () => {
    assert.deepEqual(parsePeriod('2026-01-01..2026-12-31'), YEAR);
    assert.deepEqual(parsePeriod(' 2026-01-01 .. 2026-12-31 '), YEAR);
    assert.deepEqual(parsePeriod({ start: '2026-01-01', end: '2026-12-31' }), YEAR);
    assert.deepEqual(parsePeriod('2026-03-01..2026-03-01'), { start: '2026-03-01', end: '2026-03-01' });
  });

  it('reports what is wrong, like today', () => {
    assert.match(parsePeriod('2026-01-01'), /START\.\.END/);
    assert.match(parsePeriod('2026-02-30..2026-12-31'), /start must be a calendar date/);
    assert.match(parsePeriod('2026-01-01..2026-13-01'), /end must be a calendar date/);
    assert.match(parsePeriod('2026-12-31..2026-01-01'), /starts \(2026-12-31\) after it ends/);
    assert.match(parsePeriod({ start: '2026-01-01', finish: '2026-12-31' }), /unknown key 'finish'/);
    assert.match(parsePeriod(42), /START\.\.END or \{ start, end \}/);
    const problems: any[] = [];
    const cfg = mergeConfig(defaultConfig(), { audit_period: '2026-12-31..2026-01-01' }, problems);
    assert.equal(cfg.auditPeriod, undefined);
    assert.deepEqual(problems.map((p) => p.path), ['audit_period']);
    assert.deepEqual(mergeConfig(defaultConfig(), { audit_period: { start: '2026-01-01', end: '2026-12-31' } }).auditPeriod, YEAR);
  });
});

const INV = (body: string) => `kind: nhi-inventory\nidentities:\n  - id: svc-a\n    type: service-account\n    owner: a@example.com\n    review_cadence: quarterly\n${body}`;
const KEY = (body: string) => `kind: nhi-inventory\nidentities:\n  - id: key-a\n    type: api-key\n    owner: a@example.com\n    credential: api-key\n    rotation: P90D\n${body}`;
const inv = { uri: 'x.nhi.yaml' };

describe('review history in an inventory', () => {
  ruleTester(['review-date-missing', 'review-overdue'], {
    uri: 'x.nhi.yaml',
    valid: [
      { name: 'the latest reviews entry is the last review', text: INV('    reviews:\n      - {date: 2026-01-10, by: alice}\n      - date: 2026-10-01\n        by: bob\n') },
      { name: 'a plain date, and a list of dates', text: INV('    reviews: 2026-10-01\n') },
      { name: 'the later of last_reviewed and reviews wins', text: INV('    last_reviewed: 2026-01-01\n    reviews: [2026-10-01]\n') },
      { name: 'the inventory-wide reviews under defaults count', text: 'kind: nhi-inventory\ndefaults:\n  reviews: [{date: 2026-10-01, by: iam}]\nidentities:\n  - id: svc-a\n    owner: a@example.com\n    review_cadence: quarterly\n' },
    ],
    invalid: [
      {
        name: 'overdue by the latest entry: the fix records a review in the list',
        text: INV('    reviews:\n      - date: 2026-03-01\n        by: alice\n      - date: 2026-06-01\n        by: bob\n'),
        findings: [{ ruleId: 'review-overdue', line: 10, message: /2026-08-30 \(last reviewed 2026-06-01, cadence quarterly\)/, fixes: ["Record a review today (2026-11-23) in 'reviews'"] }],
        output: INV('    reviews:\n      - date: 2026-03-01\n        by: alice\n      - date: 2026-06-01\n        by: bob\n      - date: 2026-11-23\n'),
      },
      {
        name: 'a flow list of dates gets one more',
        text: INV('    reviews: [2026-01-01, 2026-05-01]\n'),
        findings: [{ ruleId: 'review-overdue', line: 7 }],
        output: INV('    reviews: [2026-01-01, 2026-05-01, 2026-11-23]\n'),
      },
      {
        name: 'last_reviewed later than the list: last_reviewed is the last review, and its fix sets it',
        text: INV('    last_reviewed: 2026-06-01\n    reviews: [2026-01-01]\n'),
        findings: [{ ruleId: 'review-overdue', line: 7, message: /last reviewed 2026-06-01/, fixes: ["Set 'last_reviewed' to today (2026-11-23)"] }],
        output: INV('    last_reviewed: 2026-11-23\n    reviews: [2026-01-01]\n'),
      },
      {
        name: 'no dated entry at all',
        text: INV('    reviews: [{by: alice}]\n'),
        findings: [{ ruleId: 'review-date-missing', line: 7, message: /no dated entry in reviews/ }],
        output: INV('    reviews: [{by: alice}, {date: 2026-11-23}]\n'),
      },
    ],
  });

  it('malformed and future entries are nhi-field-invalid findings, and count for nothing', () => {
    const text = INV('    reviews:\n      - 2026-10-01\n      - yesterday\n      - {by: alice}\n      - {date: 2026-12-01}\n      - [2026-01-01]\n');
    const found = findingsOf(['nhi-field-invalid', 'review-overdue'], text, inv);
    assert.deepEqual(
      found.map((f) => [f.ruleId, f.range.start.line + 1, f.message.replace(/ \(NHI1.*$/, '')]),
      [
        ['nhi-field-invalid', 9, "'reviews': 'yesterday' is not a date: write each review as YYYY-MM-DD so it counts as a review on record"],
        ['nhi-field-invalid', 10, "'reviews': a review entry needs its 'date' (YYYY-MM-DD), e.g. {date: 2026-03-02, by: alice}"],
        ['nhi-field-invalid', 11, "'reviews': the review dated 2026-12-01 is after today (2026-11-23): a review on record has happened; it does not count"],
        ['nhi-field-invalid', 12, "'reviews': a review entry is a date (YYYY-MM-DD) or a mapping {date, by, outcome}"],
      ],
    );
    // Hostile shapes never throw.
    for (const v of ['{a: 1}', '~', '""', '[[[]]]', '&x [1]', '!!binary aGk=', '- - -']) findingsOf(['nhi-field-invalid', 'review-overdue', 'review-date-missing', 'review-period-gap'], INV(`    reviews: ${v}\n    rotations: ${v}\n`), { ...inv, config: (c) => (c.auditPeriod = YEAR) });
  });
});

describe('rotation history', () => {
  ruleTester('nhi-rotation-overdue', {
    uri: 'x.nhi.yaml',
    valid: [
      { name: 'the latest rotations entry', text: KEY('    rotations: [2026-01-05, {date: 2026-10-01, by: ops}]\n') },
      { name: 'the later of last_rotated and rotations', text: KEY('    last_rotated: 2026-01-01\n    rotations: [2026-10-01]\n') },
    ],
    invalid: [
      {
        name: 'overdue by the latest entry: the fix records a rotation',
        text: KEY('    rotations:\n      - 2026-02-01\n      - 2026-05-01\n'),
        findings: [{ line: 10, message: /overdue for rotation: last rotated 2026-05-01, cadence 'P90D', due 2026-07-30/, fixes: ["Record a rotation today (2026-11-23) in 'rotations'", "Add NHI:NHI7 to 'controls'"] }],
        output: KEY('    rotations:\n      - 2026-02-01\n      - 2026-05-01\n      - 2026-11-23\n'),
      },
      {
        name: 'a rotation dated after today does not count',
        text: KEY('    rotations: [2026-12-24]\n'),
        findings: [{ line: 8, message: /no last_rotated date and no dated entry in rotations/ }],
        output: KEY('    rotations: [2026-12-24, 2026-11-23]\n'),
      },
    ],
  });
});

const DOC = (extra: string) =>
  `---\ntitle: Access review\ntype: procedure\nowner: iam@example.com\nreview_cadence: quarterly\n${extra}status: approved\nversion: "1.0"\n---\n\n# Access review\n`;

describe('review history in front matter', () => {
  ruleTester(['review-date-missing', 'review-overdue', 'front-matter-invalid'], {
    valid: [
      { name: 'reviews without last_reviewed', text: DOC('reviews:\n  - date: 2026-10-01\n    by: iam\n    outcome: no change\n') },
      { name: 'the later of the two', text: DOC('last_reviewed: 2026-01-01\nreviews: [2026-10-01]\n') },
    ],
    invalid: [
      {
        name: 'overdue by the history, a bad entry and a future one',
        text: DOC('reviews: [2026-05-01, not a date, 2027-01-05]\n'),
        findings: [
          { ruleId: 'review-overdue', line: 6, column: 11, fixes: ["Record a review today (2026-11-23) in 'reviews'"] },
          { ruleId: 'front-matter-invalid', line: 6, column: 23, message: "'reviews': 'not a date' is not a date: write each review as YYYY-MM-DD so it counts as a review on record." },
          { ruleId: 'front-matter-invalid', line: 6, column: 35, message: /after today/ },
        ],
      },
    ],
  });
});

describe('review-period-gap', () => {
  const period = (c: any) => (c.auditPeriod = YEAR);
  ruleTester('review-period-gap', {
    config: period,
    valid: [
      { name: 'off without an audit period', uri: 'x.nhi.yaml', text: INV('    reviews: [2026-10-01]\n'), config: () => undefined },
      { name: 'every ended quarter has a review', uri: 'x.nhi.yaml', text: INV('    reviews: [2026-03-31, 2026-04-01, 2026-09-30]\n') },
      { name: 'a draft is not an operating control', text: DOC('reviews: [2026-10-01]\n').replace('status: approved', 'status: draft') },
      { name: 'a record is not reviewed', text: DOC('reviews: [2026-10-01]\n').replace('type: procedure', 'type: record') },
      { name: 'no cadence, no windows', uri: 'x.nhi.yaml', text: 'kind: nhi-inventory\nidentities:\n  - id: svc-a\n    owner: a@example.com\n    last_reviewed: 2026-10-01\n' },
    ],
    invalid: [
      {
        name: 'an identity: the windows without a review, at its reviews key',
        uri: 'x.nhi.yaml',
        text: INV('    reviews: [2025-12-31, 2026-07-01]\n'),
        findings: [
          {
            line: 7,
            column: 5,
            message:
              "Identity 'svc-a' has no review on record in 2 windows of its quarterly cadence in the audit period 2026-01-01..2026-12-31: 2026-01-01..2026-03-31, 2026-04-01..2026-06-30. A SOC 2 Type II examination samples every occurrence; record each review done (date, by) in 'reviews', or explain the gap.",
            data: { identity: 'svc-a', activity: 'review', missing: ['2026-01-01..2026-03-31', '2026-04-01..2026-06-30'], period: '2026-01-01..2026-12-31' },
          },
        ],
        output: null,
      },
      {
        name: 'a long-lived secret: rotations too',
        uri: 'x.nhi.yaml',
        text: KEY('    review_cadence: annual\n    reviews: [2026-02-01]\n    rotations: [2026-02-01, 2026-08-01]\n'),
        findings: [{ line: 10, message: /no rotation on record in 1 window of its P90D cadence .*: 2026-04-01\.\.2026-06-30\./, data: { activity: 'rotation' } }],
      },
      {
        name: 'a document: at its reviews key',
        text: DOC('last_reviewed: 2026-10-15\nreviews: [2026-01-20, 2026-06-30]\n'),
        findings: [{ line: 7, column: 1, message: /^This procedure has no review on record in 1 window .*: 2026-07-01\.\.2026-09-30\./ }],
      },
    ],
  });
});

describe('isms soc2', function () {
  this.timeout(30000);
  let matrix: any;
  const criterion = (id: string) => matrix.criteria.find((c: any) => c.id === id);

  before(() => {
    const r = isms(['soc2', FIXTURE, '--format', 'json', '--today', '2026-11-23']);
    assert.equal(r.code, 0, r.err);
    matrix = JSON.parse(r.out);
  });

  it('writes the golden JSON and CSV (the period from audit_period)', () => {
    golden('soc2.json', isms(['soc2', FIXTURE, '--format', 'json', '--today', '2026-11-23']).out);
    golden('soc2.csv', isms(['soc2', FIXTURE, '--format', 'csv', '--today', '2026-11-23']).out);
  });

  it('has the 61 criteria, Type II over the audit period', () => {
    assert.equal(matrix.criteria.length, 61);
    assert.equal(matrix.type, 'II');
    assert.deepEqual(matrix.period, YEAR);
    assert.equal(matrix.summary.missingOccurrences, 7);
  });

  it('lists each missing occurrence, with the period boundary days inside and the day before outside', () => {
    assert.deepEqual(
      criterion('CC6.2').missing.map((m: any) => [m.name, m.activity, m.start, m.end]),
      [
        ['svc-reports', 'review', '2026-01-01', '2026-03-31'],
        ['svc-reports', 'review', '2026-04-01', '2026-06-30'],
        ['Access review procedure', 'review', '2026-07-01', '2026-09-30'],
      ],
    );
    const deploy = criterion('CC6.3').evidence[0];
    assert.deepEqual(deploy.occurrences[0].windows.map((w: any) => w.date), ['2026-03-31', '2026-04-01', '2026-09-30', '2026-10-05']);
    // The last review of coverage: the latest history entry (the policy has no last_reviewed; svc-deploy's is inherited).
    assert.equal(criterion('CC5.3').evidence[0].lastReviewed, '2026-02-10');
    assert.equal(deploy.lastReviewed, '2026-10-05');
    assert.deepEqual(criterion('CC6.1').missing.filter((m: any) => m.activity === 'rotation').map((m: any) => m.start), ['2026-03-01', '2026-06-01', '2026-07-01']);
  });

  it('--period overrides audit_period; a bad period is a usage error; --fail-on-missing exits 1', () => {
    const q1 = isms(['soc2', FIXTURE, '--format', 'json', '--today', '2026-11-23', '--period', '2026-01-01..2026-03-31']);
    assert.equal(q1.code, 0, q1.err);
    assert.deepEqual(JSON.parse(q1.out).period, { start: '2026-01-01', end: '2026-03-31' });
    const bad = isms(['soc2', FIXTURE, '--period', '2026-03-31..2026-01-01']);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /--period: the period starts \(2026-03-31\) after it ends/);
    const gate = isms(['soc2', FIXTURE, '--today', '2026-11-23', '--fail-on-missing']);
    assert.equal(gate.code, 1);
    assert.match(gate.err, /7 missing occurrences/);
    assert.equal(isms(['soc2', FIXTURE, '--today', '2026-11-23', '--fail-on-missing', '--period', '2026-10-01..2026-12-31']).code, 0);
  });

  it('without a period: a Type I matrix, said on stderr', () => {
    const m = soc2Matrix([], defaultConfig(), '2026-11-23');
    assert.equal(m.type, 'I');
    assert.equal(m.criteria.length, 61);
    assert.ok(m.criteria.every((c: any) => c.evidence.length === 0 && c.missing.length === 0));
    const r = isms(['soc2', path.join(FIXTURE, 'policies'), '--config', path.join(ROOT, 'test', 'fixtures', 'coverage', '.isms.yaml'), '--format', 'csv', '--today', '2026-11-23']);
    assert.equal(r.code, 0, r.err);
    assert.match(r.err, /a Type I matrix/);
    assert.ok(r.out.startsWith('\ufeffCriterion,Title,Series,State,Evidence,Owners,Last review,Open issues\r\n'));
  });
});

describe('history keys in the editor', () => {
  const { IsmsService } = server('core/service.js');
  const { LineIndex } = server('core/text.js');
  const svc = () => {
    const cfg = defaultConfig();
    cfg.today = '2026-11-23';
    return new IsmsService({ relativePath: (p: string) => p }, cfg);
  };
  const at = (marked: string) => {
    const i = marked.indexOf('|');
    const text = marked.slice(0, i) + marked.slice(i + 1);
    return { text, pos: new LineIndex(text).positionAt(i) };
  };

  it('completes reviews and rotations with a dated entry, and explains them on hover', () => {
    let c = at('kind: nhi-inventory\nidentities:\n  - id: key-a\n    type: api-key\n    rot|\n');
    let items = svc().complete({ uri: 'x.nhi.yaml', text: c.text }, c.pos);
    assert.equal(items.find((i: any) => i.label === 'rotations')?.textEdit.newText, 'rotations: [${1:2026-11-23}]');
    c = at('---\ntype: policy\nrev|\n---\n# P\n');
    items = svc().complete({ uri: 'p.md', text: c.text }, c.pos);
    assert.equal(items.find((i: any) => i.label === 'reviews')?.textEdit.newText, 'reviews: [{date: ${1:2026-11-23}, by: ${2}, outcome: ${3}}]');
    c = at('---\ntype: policy\nrevi|ews: [2026-01-01]\n---\n# P\n');
    assert.match(svc().hover({ uri: 'p.md', text: c.text }, c.pos).contents, /review history/);
  });
});
