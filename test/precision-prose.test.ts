/**
 * Precision of control references on documents written in other styles than ours (issue: ~4 in 10 control
 * findings on real public policy sets were false). Fixtures under `test/fixtures/precision/prose/`: a SOC 2
 * policy in the strongdm/comply template layout, ISO 27001 starter-kit policies in English and German, an
 * operations runbook full of prose numbers, a document citing BSI IT-Grundschutz, CIS Controls and PCI DSS,
 * and one with true positives. Every expected control finding is marked inline on the line where it starts
 * (`<!-- expect: rule-id -->`, as in test/document-fixtures.test.ts); ONLY the control-* findings are compared
 * (front matter and section rules are tested elsewhere).
 *
 * The test prints the true / false / missed counts. `PRECISION_BASELINE=<dir of another build's server/out>`
 * prints the same counts for that build too (e.g. a build of the unchanged scanner).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT } from './helpers/root';

const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'precision', 'prose');
const CONTROL_RULES = /^control-(unknown|legacy|malformed|out-of-scope)$/;

/** Counts with the scanner before this change (a build of commit 8385279), measured with PRECISION_BASELINE. */
const BEFORE = { true: 15, false: 46, missed: 3 };

interface Outcome {
  file: string;
  expected: string[];
  found: string[];
  messages: string[];
}

/** `line:ruleId` of every control-* marker; lines 1-based. */
function expected(text: string): string[] {
  const out: string[] = [];
  text.split(/\r?\n/).forEach((l, i) => {
    for (const m of l.matchAll(/<!--\s*expect(?:@(\d+))?:\s*([^>]*?)\s*-->/g)) {
      const line = m[1] ? Number(m[1]) : i + 1;
      for (const id of m[2].split(/[,\s]+/).filter(Boolean)) if (CONTROL_RULES.test(id)) out.push(`${line}:${id}`);
    }
  });
  return out.sort();
}

function fixtures(): string[] {
  return fs.readdirSync(FIXTURES).filter((f) => f.endsWith('.md')).sort();
}

/** The control-* findings of every fixture through the IsmsService of the build at `out` (server/out). */
function run(out: string): Outcome[] {
  const load = (m: string) => require(path.join(out, m));
  const { IsmsService } = load('core/service.js');
  const { defaultConfig } = load('core/config.js');
  return fixtures().map((file) => {
    const text = fs.readFileSync(path.join(FIXTURES, file), 'utf8');
    const cfg = defaultConfig();
    cfg.today = '2026-11-23';
    cfg.documentGlobs = ['**/*.md'];
    const svc = new IsmsService({ relativePath: (p: string) => path.relative(FIXTURES, p).split(path.sep).join('/') }, cfg);
    const findings = svc.check({ uri: path.join(FIXTURES, file), text }).filter((f: any) => CONTROL_RULES.test(f.ruleId));
    return {
      file,
      expected: expected(text),
      found: findings.map((f: any) => `${f.range.start.line + 1}:${f.ruleId}`).sort(),
      messages: findings.map((f: any) => `${f.range.start.line + 1}:${f.ruleId}: ${f.message}`),
    };
  });
}

/** True: a finding a marker expects; false: a finding no marker expects; missed: a marker with no finding. */
function score(outcomes: Outcome[]): { true: number; false: number; missed: number } {
  let t = 0;
  let f = 0;
  let missed = 0;
  for (const o of outcomes) {
    const want = [...o.expected];
    for (const x of o.found) {
      const i = want.indexOf(x);
      if (i >= 0) {
        want.splice(i, 1);
        t++;
      } else f++;
    }
    missed += want.length;
  }
  return { true: t, false: f, missed };
}

describe('control references: precision on documents in other styles', () => {
  const outcomes = run(path.join(ROOT, 'server', 'out'));

  for (const o of outcomes) {
    it(`${o.file}: exactly the marked control findings`, () => {
      assert.deepEqual(o.found, o.expected, o.messages.join('\n'));
    });
  }

  it('reports the counts (before / after)', () => {
    const after = score(outcomes);
    const line = (what: string, s: { true: number; false: number; missed: number }) =>
      `      ${what}: ${s.true} true, ${s.false} false, ${s.missed} missed control findings (precision ${((100 * s.true) / Math.max(1, s.true + s.false)).toFixed(0)} %)`;
    console.log(line('before (recorded)', BEFORE));
    const base = process.env.PRECISION_BASELINE;
    if (base) {
      const before = run(path.resolve(base));
      console.log(line(`before (${base})`, score(before)));
      before.forEach((b, i) => {
        const [x, y] = [score([b]), score([outcomes[i]])];
        console.log(`        ${b.file}: ${x.true} true / ${x.false} false / ${x.missed} missed -> ${y.true} / ${y.false} / ${y.missed}`);
      });
    }
    console.log(line('after', after));
    assert.equal(after.false, 0);
    assert.equal(after.missed, 0);
  });
});
