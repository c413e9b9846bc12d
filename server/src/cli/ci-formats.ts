/**
 * The outputs of `isms check` for CI systems: GitHub workflow commands (annotations on the pull request's diff, and a
 * Markdown job summary), a GitLab Code Quality report, and JUnit XML for the others. Each is a pure function of the
 * results, so tests compare them with golden files.
 */
import { createHash } from 'node:crypto';
import type { Finding, Severity } from '../core/types';
/** A checked file and its findings (cli/output.ts FileResult has this shape). */
export interface FileResult {
  path: string;
  kind: string;
  findings: Finding[];
}

/** GitHub's escaping of a workflow command's message (data) and of its properties. */
const escapeData = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escapeProperty = (s: string) => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

const GITHUB_LEVEL: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'notice', hint: 'notice' };

/** One workflow command per finding: `::error file=…,line=…,col=…,endLine=…,endColumn=…,title=<rule-id>::<message>`. */
export function githubAnnotations(results: readonly FileResult[]): string[] {
  const out: string[] = [];
  for (const r of results) {
    for (const f of r.findings) {
      const props = [
        `file=${escapeProperty(r.path)}`,
        `line=${f.range.start.line + 1}`,
        `col=${f.range.start.character + 1}`,
        `endLine=${f.range.end.line + 1}`,
        `endColumn=${f.range.end.character + 1}`,
        `title=${escapeProperty(f.ruleId)}`,
      ];
      out.push(`::${GITHUB_LEVEL[f.severity]} ${props.join(',')}::${escapeData(f.message)}`);
    }
  }
  return out;
}

export interface Counts {
  error: number;
  warning: number;
  info: number;
  hint: number;
}

export function countSeverities(results: readonly FileResult[]): Counts {
  const c: Counts = { error: 0, warning: 0, info: 0, hint: 0 };
  for (const r of results) for (const f of r.findings) c[f.severity]++;
  return c;
}

const cell = (s: string) => s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

/** The Markdown job summary (GITHUB_STEP_SUMMARY): counts per severity and per rule, and the files with most findings. */
export function githubSummary(results: readonly FileResult[], worst = 10): string {
  const c = countSeverities(results);
  const lines = [
    '## ISMS check',
    '',
    `${results.length} ${results.length === 1 ? 'file' : 'files'} checked: **${c.error} errors**, ${c.warning} warnings, ${c.info + c.hint} infos.`,
    '',
  ];
  const rules = new Map<string, Counts>();
  for (const r of results) for (const f of r.findings) (rules.get(f.ruleId) ?? rules.set(f.ruleId, { error: 0, warning: 0, info: 0, hint: 0 }).get(f.ruleId)!)[f.severity]++;
  if (rules.size) {
    lines.push('| Rule | Errors | Warnings | Infos |', '|---|---:|---:|---:|');
    const total = (x: Counts) => x.error * 1e6 + x.warning * 1e3 + x.info + x.hint;
    for (const [id, x] of [...rules].sort((a, b) => total(b[1]) - total(a[1]) || a[0].localeCompare(b[0]))) {
      lines.push(`| \`${id}\` | ${x.error} | ${x.warning} | ${x.info + x.hint} |`);
    }
    lines.push('');
    const files = results
      .map((r) => ({ path: r.path, errors: r.findings.filter((f) => f.severity === 'error').length, all: r.findings.length }))
      .filter((x) => x.all > 0)
      .sort((a, b) => b.errors - a.errors || b.all - a.all || a.path.localeCompare(b.path))
      .slice(0, worst);
    lines.push(`### Files with the most findings`, '', '| File | Errors | Findings |', '|---|---:|---:|');
    for (const x of files) lines.push(`| ${cell(x.path)} | ${x.errors} | ${x.all} |`);
    lines.push('');
  }
  return lines.join('\n');
}

/**
 * Stable identity of a finding for CI systems that track findings across runs (GitLab's `fingerprint`): the file,
 * the rule, the message and the ordinal among equal ones, not the line, so a finding keeps its fingerprint when
 * lines move above it.
 */
export function fingerprints(r: FileResult): string[] {
  const seen = new Map<string, number>();
  return r.findings.map((f) => {
    const key = `${r.path}\u0000${f.ruleId}\u0000${f.message}`;
    const n = seen.get(key) ?? 0;
    seen.set(key, n + 1);
    return createHash('sha256').update(`${key}\u0000${n}`).digest('hex').slice(0, 40);
  });
}

const GITLAB_SEVERITY: Record<Severity, string> = { error: 'major', warning: 'minor', info: 'info', hint: 'info' };

/** A GitLab Code Quality report (the merge request widget): an array of issues. */
export function gitlabReport(results: readonly FileResult[]): object[] {
  const out: object[] = [];
  for (const r of results) {
    const prints = fingerprints(r);
    r.findings.forEach((f: Finding, i) => {
      out.push({
        description: f.message,
        check_name: f.ruleId,
        fingerprint: prints[i],
        severity: GITLAB_SEVERITY[f.severity],
        location: { path: r.path, lines: { begin: f.range.start.line + 1, end: f.range.end.line + 1 } },
      });
    });
  }
  return out;
}

const xml = (s: string) =>
  s
    // Characters XML 1.0 cannot hold at all (control characters other than tab, LF, CR; lone surrogates).
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');

/**
 * JUnit XML: one test suite per file, one failing test case per error or warning (infos and hints are test cases
 * that pass, with the message as output), and one passing case for a file without findings, so every checked
 * file shows up.
 */
export function junitReport(results: readonly FileResult[]): string {
  const lines: string[] = [];
  let tests = 0;
  let failures = 0;
  const suites: string[] = [];
  for (const r of results) {
    const cases: string[] = [];
    let fail = 0;
    for (const f of r.findings) {
      const name = xml(`${f.ruleId} ${f.range.start.line + 1}:${f.range.start.character + 1}`);
      const where = `${r.path}:${f.range.start.line + 1}:${f.range.start.character + 1}`;
      if (f.severity === 'error' || f.severity === 'warning') {
        fail++;
        cases.push(`    <testcase classname="${xml(r.path)}" name="${name}">\n      <failure type="${f.severity}" message="${xml(f.message)}">${xml(`${where}: ${f.severity} ${f.message} [${f.ruleId}]`)}</failure>\n    </testcase>`);
      } else {
        cases.push(`    <testcase classname="${xml(r.path)}" name="${name}">\n      <system-out>${xml(`${where}: ${f.severity} ${f.message} [${f.ruleId}]`)}</system-out>\n    </testcase>`);
      }
    }
    if (!cases.length) cases.push(`    <testcase classname="${xml(r.path)}" name="no findings"/>`);
    tests += cases.length;
    failures += fail;
    suites.push(`  <testsuite name="${xml(r.path)}" tests="${cases.length}" failures="${fail}" errors="0" skipped="0">\n${cases.join('\n')}\n  </testsuite>`);
  }
  lines.push('<?xml version="1.0" encoding="UTF-8"?>');
  lines.push(`<testsuites name="isms check" tests="${tests}" failures="${failures}" errors="0">`);
  lines.push(...suites);
  lines.push('</testsuites>');
  return lines.join('\n');
}
