/**
 * RuleTester, after ESLint's: valid and invalid cases for one rule (or a family) at a time, through the
 * whole engine (IsmsService.check), with every other rule off.
 *
 *   ruleTester('approver-missing', {
 *     valid: [POLICY],
 *     invalid: [{ text: NO_APPROVER, findings: [{ line: 3, message: /names no approver/ }], output: FIXED }],
 *   });
 *
 * An invalid case lists every finding of the rules under test, in document order, each with what it
 * checks (rule, 1-based line and column, end, message, data). `output` is the text after the preferred
 * (else the first) fix of every finding, applied from the end backwards, skipping a fix that overlaps one
 * already applied; `output: null` asserts that no finding has a fix. The fixed text is checked again: it
 * must parse (no syntax-error), and `after` (default: none) lists the findings of the rules under test it
 * still has, as rule IDs. Findings suppressed with a reason (docs/suppressions.md) are not listed, as the editor
 * does not show them.
 */
import * as assert from 'node:assert/strict';
import { server } from './root';

const { IsmsService } = server('core/service.js');
const { defaultConfig } = server('core/config.js');
const { allRules } = server('core/rules/registry.js');
const { LineIndex } = server('core/text.js');

export interface CaseOptions {
  name?: string;
  /** The file's name: decides inventory (`*.nhi.yaml`) or process document (`*.md`). */
  uri?: string;
  /** Changes to the config (today is 2026-11-23; every `*.md` is a process document). */
  config?: (cfg: any) => void;
  /**
   * Other files of the workspace, by path relative to the file under test (`runbooks/x.md`): link and evidence
   * targets resolve against them (a FileHost over this map). Without it, the host cannot tell (no FileHost).
   */
  files?: Record<string, string>;
}

/** A FileHost over `files` (paths relative to the file under test; `a/` is a folder when a file is under it). */
export function mapHost(files: Record<string, string>): any {
  const norm = (t: string) => t.replace(/^\.\//, '').replace(/\/$/, '');
  return {
    stat: (_from: string, target: string) => {
      const t = norm(target);
      if (t in files) return 'file';
      return Object.keys(files).some((k) => k.startsWith(t + '/')) ? 'dir' : 'missing';
    },
    readText: (_from: string, target: string) => files[norm(target)],
  };
}

export interface ValidCase extends CaseOptions {
  text: string;
}

export interface ExpectedFinding {
  ruleId?: string;
  line?: number;
  column?: number;
  endLine?: number;
  endColumn?: number;
  message?: RegExp | string;
  /** Compared key by key (deepEqual per key given). */
  data?: Record<string, unknown>;
  /** Titles of its fixes, in order. */
  fixes?: string[];
}

export interface InvalidCase extends ValidCase {
  findings: ExpectedFinding[];
  output?: string | null;
  /** Rule IDs the fixed text still reports (of the rules under test), in order. Default: none. */
  after?: string[];
}

export interface Suite {
  uri?: string;
  config?: (cfg: any) => void;
  files?: Record<string, string>;
  valid?: (string | ValidCase)[];
  invalid?: InvalidCase[];
}

/** The findings of `rules` for `text`. */
export function findingsOf(rules: readonly string[], text: string, opts: CaseOptions = {}): any[] {
  const cfg = defaultConfig();
  cfg.today = '2026-11-23';
  cfg.documentGlobs = ['**/*.md'];
  for (const r of allRules()) if (!rules.includes(r.id) && r.id !== 'syntax-error') cfg.rules[r.id] = 'off';
  opts.config?.(cfg);
  const svc = new IsmsService({ relativePath: (p: string) => p, ...(opts.files ? { files: mapHost(opts.files) } : {}) }, cfg);
  // (Findings suppressed with a reason are left out, as the editor leaves them out: test/suppressions.test.ts.)
  return svc.check({ uri: opts.uri ?? 'doc.md', text }).filter((f: any) => !f.suppressed && (rules.includes(f.ruleId) || f.ruleId === 'syntax-error'));
}

/** `text` with the preferred (else first) fix of every finding applied, end to start, overlaps skipped. */
export function applyFixes(text: string, findings: readonly any[]): string {
  const lines = new LineIndex(text);
  const edits: { s: number; e: number; t: string }[][] = [];
  for (const f of findings) {
    const fix = f.fixes.find((x: any) => x.isPreferred) ?? f.fixes[0];
    if (fix) edits.push(fix.edits.map((e: any) => ({ s: lines.offsetAt(e.range.start), e: lines.offsetAt(e.range.end), t: e.newText })));
  }
  const order = edits.map((es) => Math.min(...es.map((x) => x.s)));
  const byEnd = edits.map((_, i) => i).sort((a, b) => order[b] - order[a]);
  let out = text;
  let floor = Infinity;
  for (const i of byEnd) {
    const es = [...edits[i]].sort((a, b) => b.s - a.s);
    if (Math.max(...es.map((x) => x.e)) > floor) continue;
    for (const x of es) out = out.slice(0, x.s) + x.t + out.slice(x.e);
    floor = Math.min(...es.map((x) => x.s));
  }
  return out;
}

export function ruleTester(rule: string | readonly string[], suite: Suite): void {
  const rules = typeof rule === 'string' ? [rule] : rule;
  const opts = (c: CaseOptions): CaseOptions => ({ uri: c.uri ?? suite.uri, config: c.config ?? suite.config, files: c.files ?? suite.files });
  describe(rules.join(', '), () => {
    (suite.valid ?? []).forEach((v, i) => {
      const c: ValidCase = typeof v === 'string' ? { text: v } : v;
      it(`valid ${c.name ?? `#${i + 1}`}`, () => {
        const found = findingsOf(rules, c.text, opts(c));
        assert.deepEqual(found.map(where), [], 'expected no findings');
      });
    });
    (suite.invalid ?? []).forEach((c, i) => {
      it(`invalid ${c.name ?? `#${i + 1}`}`, () => {
        const found = findingsOf(rules, c.text, opts(c));
        assert.equal(found.length, c.findings.length, `expected ${c.findings.length} findings, got: ${found.map(where).join('; ')}`);
        c.findings.forEach((exp, k) => {
          const f = found[k];
          const at = `finding ${k + 1} (${where(f)})`;
          assert.equal(f.ruleId, exp.ruleId ?? rules[0], at);
          if (exp.line !== undefined) assert.equal(f.range.start.line + 1, exp.line, `${at}: line`);
          if (exp.column !== undefined) assert.equal(f.range.start.character + 1, exp.column, `${at}: column`);
          if (exp.endLine !== undefined) assert.equal(f.range.end.line + 1, exp.endLine, `${at}: end line`);
          if (exp.endColumn !== undefined) assert.equal(f.range.end.character + 1, exp.endColumn, `${at}: end column`);
          if (typeof exp.message === 'string') assert.equal(f.message, exp.message, `${at}: message`);
          else if (exp.message) assert.match(f.message, exp.message, `${at}: message`);
          for (const [key, value] of Object.entries(exp.data ?? {})) assert.deepEqual(f.data?.[key], value, `${at}: data.${key}`);
          if (exp.fixes) assert.deepEqual(f.fixes.map((x: any) => x.title), exp.fixes, `${at}: fixes`);
        });
        if (c.output === undefined) return;
        if (c.output === null) {
          assert.ok(found.every((f: any) => f.fixes.length === 0), 'expected no fixes');
          return;
        }
        const fixed = applyFixes(c.text, found);
        assert.equal(fixed, c.output, 'text after the fixes');
        const again = findingsOf(rules, fixed, opts(c));
        assert.ok(!again.some((f: any) => f.ruleId === 'syntax-error'), 'the fixed text does not parse');
        assert.deepEqual(again.map((f: any) => f.ruleId), c.after ?? [], 'findings after the fixes');
      });
    });
  });
}

function where(f: any): string {
  return `${f.ruleId} ${f.range.start.line + 1}:${f.range.start.character + 1} ${f.message.slice(0, 60)}`;
}
