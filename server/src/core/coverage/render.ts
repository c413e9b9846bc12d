/**
 * The coverage report as text: a summary (text), tables an auditor reads (Markdown), one row per control (CSV,
 * UTF-8 with a BOM, CRLF, RFC 4180 quoting by csv-stringify), and the deliverables' tables. Pure; the CLI and
 * the language server (isms/coverage) write what these return.
 */
import { stringify } from 'csv-stringify/sync';
import type { CoverageReport, ControlCoverage, EvidenceItem, FrameworkCoverage, Summary } from './model';
import type { Table } from './soa';

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

function counts(s: Summary): string {
  return `${s.evidenced - s.crosswalk} evidenced, ${s.crosswalk} through the crosswalk only, ${s.stale} stale, ${s.mentioned} mentioned, ${s.gap} gaps${s.excluded ? `, ${s.excluded} excluded` : ''}`;
}

export function coverageText(report: CoverageReport): string {
  const lines: string[] = [];
  for (const f of report.frameworks) {
    lines.push(`${f.name}: ${pct(f.summary.ratio)} of ${f.summary.total - f.summary.excluded} applicable controls evidenced (${pct(f.summary.ratioWithCrosswalk)} with the crosswalk)`);
    lines.push(`  ${counts(f.summary)}`);
    for (const g of f.groups) lines.push(`  ${g.id.padEnd(6)} ${pct(g.summary.ratio).padStart(6)}  ${g.title}`);
    const gaps = f.controls.filter((c) => c.state === 'gap').map((c) => c.id);
    if (gaps.length) lines.push(`  gaps: ${gaps.join(', ')}`);
    lines.push('');
  }
  for (const p of report.problems) lines.push(`problem: ${p}`);
  return lines.join('\n').trimEnd();
}

function where(e: EvidenceItem): string {
  return `${e.uri}:${e.line + 1}`;
}

function evidenceText(c: ControlCoverage): string {
  if (c.exclusion !== undefined) return `excluded: ${c.exclusion}`;
  const items = c.evidence.map((e) => `${e.name} (${where(e)}${e.via === 'crosswalk' ? `, via ${e.from}` : ''}${e.fresh ? '' : `; ${e.problems.join(', ')}`})`);
  const cited = c.mentions.map((m) => `cited in ${m.name} (${m.uri}:${m.line + 1})`);
  return [...items, ...cited].join('; ');
}

function md(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

export function coverageMarkdown(report: CoverageReport, today: string): string {
  const out: string[] = [`# Control coverage`, '', `Evidence as of ${today}. States: evidenced, stale, mentioned, gap, excluded (docs/coverage.md).`, ''];
  for (const f of report.frameworks) {
    out.push(`## ${f.name}`, '', `${pct(f.summary.ratio)} of ${f.summary.total - f.summary.excluded} applicable controls evidenced (${pct(f.summary.ratioWithCrosswalk)} with the crosswalk): ${counts(f.summary)}.`, '');
    out.push('| Group | Evidenced | Controls |', '|---|---:|---:|');
    for (const g of f.groups) out.push(`| ${md(`${g.id} ${g.title}`)} | ${pct(g.summary.ratio)} | ${g.summary.total} |`);
    if (f.categories?.length) {
      out.push('', '| Category | Evidenced | Controls |', '|---|---:|---:|');
      for (const g of f.categories) out.push(`| ${md(`${g.id} ${g.title}`)} | ${pct(g.summary.ratio)} | ${g.summary.total} |`);
    }
    out.push('', '| Control | Title | State | Owner | Last review | Evidence |', '|---|---|---|---|---|---|');
    for (const c of f.controls) out.push(controlRow(c));
    out.push('');
  }
  for (const p of report.problems) out.push(`- Problem: ${p}`);
  return out.join('\n').trimEnd();
}

function controlRow(c: ControlCoverage): string {
  const first = c.evidence.find((e) => e.fresh) ?? c.evidence[0];
  const state = c.state + (c.crosswalkOnly ? ' (crosswalk)' : '');
  return `| ${c.id} | ${md(c.title)} | ${state} | ${md(first?.owners.join(', ') ?? '')} | ${first?.lastReviewed ?? ''} | ${md(evidenceText(c))} |`;
}

/** One row per control; UTF-8 with a BOM and RFC 4180 quoting, so spreadsheets open it as written. */
export function coverageCsv(report: CoverageReport): string {
  const rows: string[][] = [['framework', 'control', 'title', 'group', 'state', 'crosswalk_only', 'owners', 'last_reviewed', 'evidence', 'problems', 'exclusion']];
  for (const f of report.frameworks as FrameworkCoverage[]) {
    for (const c of f.controls) {
      const fresh = c.evidence.find((e) => e.fresh) ?? c.evidence[0];
      rows.push([
        f.framework,
        c.id,
        c.title,
        c.group,
        c.state,
        c.crosswalkOnly ? 'yes' : 'no',
        [...new Set(c.evidence.flatMap((e) => e.owners))].join('; '),
        fresh?.lastReviewed ?? '',
        [...c.evidence.map((e) => `${where(e)}${e.via === 'crosswalk' ? ` (via ${e.from})` : ''}`), ...c.mentions.map((m) => `${m.uri}:${m.line + 1} (cited)`)].join('; '),
        [...new Set(c.evidence.flatMap((e) => e.problems))].join('; '),
        c.exclusion ?? '',
      ]);
    }
  }
  return stringify(rows, { bom: true, record_delimiter: 'windows', quoted_match: /[",\r\n;]/ }).replace(/\r\n$/, '');
}


/** A deliverable (Statement of Applicability, CSF profile) as Markdown. */
export function tableMarkdown(table: Table): string {
  return [`# ${table.title}`, '', table.note, '', `| ${table.columns.join(' | ')} |`, `|${table.columns.map(() => '---').join('|')}|`, ...table.rows.map((r) => `| ${r.map(md).join(' | ')} |`)].join('\n');
}

/** A deliverable as CSV (BOM, CRLF, RFC 4180). */
export function tableCsv(table: Table): string {
  return stringify([table.columns, ...table.rows], { bom: true, record_delimiter: 'windows', quoted_match: /[",\r\n;]/ }).replace(/\r\n$/, '');
}

/** A deliverable as JSON: its title, note and one object per row keyed by the column names. */
export function tableJson(table: Table, version: string): string {
  return JSON.stringify({ version, title: table.title, note: table.note, rows: table.rows.map((r) => Object.fromEntries(table.columns.map((c, i) => [c, r[i]]))) }, null, 2);
}
