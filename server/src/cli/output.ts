/**
 * The outputs of `isms check`: text (one `file:line:col: severity message [rule-id]` line per finding and a summary),
 * JSON, SARIF 2.1.0, and the CI formats of ci-formats.ts (github, gitlab, junit).
 */
import type { Config } from '../core/config';
import type { Finding } from '../core/types';
import { allRules, ruleDocsUrl } from '../core/rules/registry';
import { catalog } from '../core/catalog/catalog';
import { VERSION, type Out } from './io';
import { githubAnnotations, gitlabReport, junitReport } from './ci-formats';

export interface FileResult {
  path: string;
  kind: string;
  findings: (Finding & { baselineState?: 'new' | 'unchanged' })[];
}

/** A baseline entry no finding matches any more (SARIF `baselineState: absent`). */
export interface AbsentResult {
  path: string;
  ruleId: string;
  message: string;
}

export const FORMATS = ['text', 'json', 'sarif', 'github', 'gitlab', 'junit'] as const;
export type Format = (typeof FORMATS)[number];

export function writeResults(format: Format, results: FileResult[], covered: Map<string, Set<string>>, config: Config, io: Out, absent: readonly AbsentResult[] = []): void {
  if (format === 'json') writeJson(results, io);
  else if (format === 'sarif') io.out(JSON.stringify(sarif(results, absent), null, 2));
  else if (format === 'github') githubAnnotations(unsuppressed(results)).forEach((l) => io.out(l));
  else if (format === 'gitlab') io.out(JSON.stringify(gitlabReport(unsuppressed(results)), null, 2));
  else if (format === 'junit') io.out(junitReport(unsuppressed(results)));
  else printText(results, covered, config, io);
}

/** The summary of a check: findings by severity, and those suppressed with a reason (counted apart, whatever their severity). */
export function summarize(results: readonly FileResult[]): { files: number; errors: number; warnings: number; infos: number; suppressed: number } {
  const out = { files: results.length, errors: 0, warnings: 0, infos: 0, suppressed: 0 };
  for (const r of results) {
    const c = countsOf(r);
    out.errors += c.error;
    out.warnings += c.warning;
    out.infos += c.info + c.hint;
    out.suppressed += c.suppressed;
  }
  return out;
}

/** The results without the findings suppressed with a reason (the CI formats have no place for accepted risk; SARIF has). */
export function unsuppressed(results: readonly FileResult[]): FileResult[] {
  return keepFindings(results, (f) => !f.suppressed);
}

/** The results with only the findings `keep` accepts (a file keeps its place when it has none left). */
export function keepFindings(results: readonly FileResult[], keep: (f: FileResult['findings'][number]) => boolean): FileResult[] {
  return results.map((r) => (r.findings.every(keep) ? r : { ...r, findings: r.findings.filter(keep) }));
}

/** A file's findings as the summary and the exit code count them: those not suppressed by severity, and those suppressed. */
export interface FindingCounts {
  error: number;
  warning: number;
  info: number;
  hint: number;
  suppressed: number;
}

/** The counts of `findings`; of those not suppressed, only the ones `counted` says (default: all). */
export function countFindings(findings: readonly Finding[], counted?: (f: Finding) => boolean): FindingCounts {
  const c: FindingCounts = { error: 0, warning: 0, info: 0, hint: 0, suppressed: 0 };
  for (const f of findings) {
    if (f.suppressed) c.suppressed++;
    else if (!counted || counted(f)) c[f.severity]++;
  }
  return c;
}

// The JSON report puts each file at a depth of four spaces: JSON.stringify of { files: [...] } with two-space
// indentation does, less its first and last lines.
const HEAD = '{\n  "files": [\n'.length;
const TAIL = '\n  ]\n}'.length;
function filesText(results: readonly FileResult[]): string {
  const text = JSON.stringify({ files: results }, null, 2);
  return text.slice(HEAD, text.length - TAIL);
}

/** One file's result as the JSON report writes it (`isms check --format json`), without the comma after it. */
export function renderResult(r: FileResult): string {
  return filesText([r]);
}

/** Results whose JSON text was rendered where they were checked (a worker thread), with their counts. */
const rendered = new WeakMap<FileResult, { text: string; counts: FindingCounts }>();
const renderedOf = (r: FileResult) => rendered.get(r);
/** A result's counts: as rendered where it was checked, else counted from its findings (countFindings' `counted`). */
const countsOf = (r: FileResult, counted?: (f: Finding) => boolean): FindingCounts => renderedOf(r)?.counts ?? countFindings(r.findings, counted);

/**
 * A file's result from its JSON text (renderResult) and counts, rendered where it was checked: written and counted as
 * they are; its findings are read back from the text only when asked for (a cross-file finding or a suppression to
 * apply). Once they are replaced, the text and counts are dropped: the file is rendered and counted again.
 */
export function renderedResult(path: string, kind: string, text: string, counts: FindingCounts): FileResult {
  let findings: FileResult['findings'] | undefined;
  const r = { path, kind } as FileResult;
  Object.defineProperty(r, 'findings', {
    enumerable: true,
    configurable: true,
    get: () => (findings ??= (JSON.parse(text) as FileResult).findings),
    set: (f: FileResult['findings']) => {
      findings = f;
      rendered.delete(r);
    },
  });
  rendered.set(r, { text, counts });
  return r;
}

/** Findings not suppressed by severity (the exit code's count; without a baseline every finding is new). */
export function openCounts(results: readonly FileResult[], isNew: (f: FileResult['findings'][number]) => boolean): { error: number; warning: number; info: number; hint: number } {
  const c = { error: 0, warning: 0, info: 0, hint: 0 };
  for (const r of results) {
    // (A rendered result's findings came straight from the check: no baseline has marked them.)
    const k = countsOf(r, isNew);
    c.error += k.error;
    c.warning += k.warning;
    c.info += k.info;
    c.hint += k.hint;
  }
  return c;
}

/**
 * Written a megabyte or so at a time: one JSON string for a 10,000-file workspace would be tens of MB. A file rendered
 * where it was checked is written as it was; the others a thousand findings or so per JSON.stringify.
 */
function writeJson(results: FileResult[], io: Out): void {
  const end = `\n  ],\n  "summary": ${JSON.stringify(summarize(results))}\n}`;
  io.out(`{\n  "version": ${JSON.stringify(VERSION)},\n  "files": [${results.length ? '' : end.slice(3)}`);
  let parts: string[] = [];
  let size = 0;
  for (let from = 0; from < results.length; ) {
    let to = from + 1;
    const pre = renderedOf(results[from])?.text;
    if (pre !== undefined) parts.push(pre);
    else {
      for (let findings = results[from].findings.length; to < results.length && findings < 1000 && !renderedOf(results[to]); to++) findings += results[to].findings.length + 1;
      parts.push(filesText(results.slice(from, to)));
    }
    size += parts[parts.length - 1].length;
    from = to;
    if (size >= 1 << 20 || from === results.length) {
      io.out(parts.join(',\n') + (from < results.length ? ',' : end));
      parts = [];
      size = 0;
    }
  }
}

const SGR: Record<string, string> = { error: '31', warning: '33', info: '36', hint: '36' };

/**
 * The line of one finding in the text output, the format the VS Code problem matcher `$isms` reads:
 * `path:line:column: severity message [rule-id]` (1-based), the severity coloured when `color`.
 */
export function findingLine(path: string, f: Finding, color = false): string {
  const where = `${path}:${f.range.start.line + 1}:${f.range.start.character + 1}:`;
  if (!color) return `${where} ${f.severity} ${f.message} [${f.ruleId}]`;
  return `\x1b[1m${where}\x1b[22m \x1b[${SGR[f.severity]}m${f.severity}\x1b[39m ${f.message} \x1b[2m[${f.ruleId}]\x1b[22m`;
}

export function printText(results: FileResult[], covered: Map<string, Set<string>>, config: Config, io: Out): void {
  const { errors, warnings, infos, suppressed } = summarize(results);
  for (const r of results) {
    for (const f of r.findings) {
      if (f.suppressed) continue;
      io.out(findingLine(r.path, f, io.color));
    }
  }
  const docs = results.filter((r) => r.kind === 'process-document').length;
  const inv = results.filter((r) => r.kind === 'inventory').length;
  const comps = results.filter((r) => r.kind === 'component').length;
  const infra = results.filter((r) => r.kind === 'infrastructure').length;
  io.out('');
  io.out(`${results.length} files checked (${docs} process documents, ${inv} inventories${comps ? `, ${comps} OpenControl component${comps === 1 ? '' : 's'}` : ''}${infra ? `, ${infra} infrastructure files` : ''}): ${errors} errors, ${warnings} warnings, ${infos} infos${suppressed ? `, ${suppressed} suppressed with a reason (isms exceptions lists them)` : ''}.`);
  const cat = catalog();
  const cov: string[] = [];
  for (const fw of config.frameworks) {
    const leaves = cat.all(fw).filter((c) => ['subcategory', 'control', 'criterion', 'risk', 'enhancement'].includes(c.kind) && !c.withdrawn && !(fw === 'iso27001' && !c.id.startsWith('A.')));
    const hit = leaves.filter((c) => covered.get(fw)?.has(c.id)).length;
    cov.push(`${cat.framework(fw).prefix} ${hit}/${leaves.length}`);
  }
  io.out(`Controls referenced: ${cov.join(', ')}.`);
}

function sarif(results: FileResult[], absent: readonly AbsentResult[] = []) {
  const level = (s: string) => (s === 'error' ? 'error' : s === 'warning' ? 'warning' : 'note');
  const used = [...new Set(results.flatMap((r) => r.findings.map((f) => f.ruleId)))];
  const rules = allRules().filter((r) => used.includes(r.id));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'isms-author',
            version: VERSION,
            informationUri: 'https://github.com/isms-author/isms-author',
            rules: rules.map((r) => ({
              id: r.id,
              shortDescription: { text: r.description },
              helpUri: ruleDocsUrl(r.id),
              defaultConfiguration: { level: level(r.defaultSeverity) },
            })),
          },
        },
        results: results.flatMap((r) =>
          r.findings.map((f) => ({
            ruleId: f.ruleId,
            ruleIndex: rules.findIndex((x) => x.id === f.ruleId),
            level: level(f.severity),
            message: { text: f.message },
            ...(f.baselineState ? { baselineState: f.baselineState } : {}),
            // An accepted risk, not a finding that went away: code scanning shows it as suppressed in source.
            ...(f.suppressed ? { suppressions: [{ kind: 'inSource', ...(f.suppressed.reason ? { justification: f.suppressed.reason } : {}) }] } : {}),
            locations: [
              {
                physicalLocation: {
                  artifactLocation: { uri: r.path },
                  region: {
                    startLine: f.range.start.line + 1,
                    startColumn: f.range.start.character + 1,
                    endLine: f.range.end.line + 1,
                    endColumn: f.range.end.character + 1,
                  },
                },
              },
            ],
          })),
        ).concat(
          // Findings of the baseline that are gone (fixed): SARIF's `absent`, without a region (the text moved on).
          absent.map((a) => ({
            ruleId: a.ruleId,
            level: 'none',
            message: { text: a.message },
            baselineState: 'absent',
            locations: [{ physicalLocation: { artifactLocation: { uri: a.path } } }],
          })) as never[],
        ),
      },
    ],
  };
}
