/**
 * The coverage report and the deliverables as one self-contained HTML file each: inline CSS (light and dark,
 * printable), inline SVG bar charts, no script, no remote resource (a Content-Security-Policy meta says so), so
 * that an auditor can be sent the file and the VS Code webview can show it as is. Pure.
 *
 * Everything is built through the helpers below: `html` is a tagged template that escapes every value it is given
 * unless the value is `Html` (markup built by these helpers), so a title, file name, owner or justification can
 * never become markup. `page`, `section`, `table`, `barChart` and `stateBadge` are exported for other renderers
 * (the SOC 2 matrix) to reuse.
 */
import { catalog } from '../catalog/catalog';
import type { ControlCoverage, CoverageReport, EvidenceItem, FrameworkCoverage, Summary } from './model';
import { csfProfile, statementOfApplicability, type ProfileTarget, type Table } from './soa';

// ---------------------------------------------------------------------------------------------------------------
// Markup helpers

/** Markup that is already safe: made by `html`, `raw` or the helpers below. Everything else is escaped. */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

/** A value `html` accepts: markup as is, text escaped, lists joined, null/undefined/false as nothing. */
export type Part = Html | string | number | boolean | null | undefined | readonly Part[];

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text as HTML text or attribute value (always quote attributes with "). */
export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

/** Trusted markup, taken as is. Only for constant strings of this module's callers, never for user data. */
export function raw(s: string): Html {
  return new Html(s);
}

function part(v: Part): string {
  if (v === null || v === undefined || v === false) return '';
  if (v instanceof Html) return v.value;
  if (Array.isArray(v)) return (v as readonly Part[]).map(part).join('');
  return esc(String(v));
}

/** The tagged template: `html\`<td>${text}</td>\`` escapes `text` unless it is Html. */
export function html(strings: TemplateStringsArray, ...values: Part[]): Html {
  let out = strings[0];
  for (let i = 0; i < values.length; i++) out += part(values[i]) + strings[i + 1];
  return new Html(out);
}

/** A string usable as an id or class name (letters, digits, `-`, `_`). */
export function slug(s: string): string {
  return s.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '') || 'x';
}

// ---------------------------------------------------------------------------------------------------------------
// The page

/** Locks the file down: no script, no network; inline styles and data: images only. */
export const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

/**
 * Colours of the states (and of generic keys other renderers may use: ok, warn, bad, info, na). Text and
 * background follow prefers-color-scheme; the state colours print as shown (print-color-adjust).
 */
const CSS = `
:root { color-scheme: light dark; --fg: #1b1f24; --muted: #57606a; --bg: #ffffff; --panel: #f6f8fa; --line: #d0d7de;
  --evidenced: #1a7f37; --crosswalk: #8fd19e; --stale: #d4a72c; --mentioned: #54aeff; --gap: #cf222e; --excluded: #8c959f; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #e6edf3; --muted: #9198a1; --bg: #0d1117; --panel: #161b22; --line: #30363d;
    --evidenced: #3fb950; --crosswalk: #2f6f3e; --stale: #d29922; --mentioned: #388bfd; --gap: #f85149; --excluded: #6e7681; }
}
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0 auto; max-width: 1200px; padding: 24px; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
h1 { font-size: 1.6em; margin: 0 0 4px; }
h2 { font-size: 1.3em; margin: 32px 0 8px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
h3 { font-size: 1.05em; margin: 20px 0 8px; }
p { margin: 6px 0; }
.sub, .note { color: var(--muted); }
code { font: 12px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; overflow-wrap: anywhere; }
nav ul { list-style: none; padding: 0; margin: 8px 0; display: flex; flex-wrap: wrap; gap: 4px 16px; }
a { color: inherit; }
.headline { font-size: 1.15em; margin: 8px 0; }
.headline strong { font-size: 1.3em; }
table { border-collapse: collapse; width: 100%; margin: 8px 0 16px; }
caption { text-align: left; font-weight: 600; padding: 4px 0; }
th, td { border: 1px solid var(--line); padding: 4px 6px; text-align: left; vertical-align: top; }
thead th { background: var(--panel); position: sticky; top: 0; }
th[scope=row] { font-weight: 600; white-space: nowrap; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
ul.ev { margin: 0; padding-left: 1.1em; }
ul.ev li { margin: 0; }
.problems { color: var(--gap); }
.badge { display: inline-flex; align-items: center; gap: 4px; white-space: nowrap; }
.swatch { display: inline-block; width: 0.8em; height: 0.8em; border-radius: 2px; border: 1px solid var(--line); flex: none; }
.legend { display: flex; flex-wrap: wrap; gap: 4px 16px; list-style: none; padding: 0; margin: 4px 0; }
.legend li { display: inline-flex; align-items: center; gap: 4px; }
svg.chart { width: 100%; max-width: 900px; height: auto; display: block; }
svg.chart text { fill: var(--fg); font: 12px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
svg.chart .track { fill: var(--panel); stroke: var(--line); }
.k-evidenced, .k-ok { fill: var(--evidenced); background: var(--evidenced); }
.k-crosswalk, .k-info { fill: var(--crosswalk); background: var(--crosswalk); }
.k-stale, .k-warn { fill: var(--stale); background: var(--stale); }
.k-mentioned { fill: var(--mentioned); background: var(--mentioned); }
.k-gap, .k-bad { fill: var(--gap); background: var(--gap); }
.k-excluded, .k-na { fill: var(--excluded); background: var(--excluded); }
footer { margin-top: 32px; color: var(--muted); font-size: 0.9em; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  nav { display: none; }
  thead th { position: static; }
  thead { display: table-header-group; }
  tr, li, svg.chart, .headline { break-inside: avoid; page-break-inside: avoid; }
  h2, h3 { break-after: avoid; page-break-after: avoid; }
  section.framework { break-before: page; }
  section.framework:first-of-type { break-before: auto; }
}
`;

/** A whole HTML document: CSP meta, the stylesheet, a title and subtitle, the body, a footer. */
export function page(o: { title: string; subtitle?: Part; body: Part; footer?: Part }): string {
  return `<!DOCTYPE html>\n${html`<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="ISMS Author">
<title>${o.title}</title>
<style>${raw(CSS)}</style>
</head>
<body>
<header>
<h1>${o.title}</h1>
${o.subtitle !== undefined ? html`<p class="sub">${o.subtitle}</p>` : ''}
</header>
<main>
${o.body}
</main>
<footer>${o.footer ?? 'Generated by ISMS Author. This file is self-contained: no script, no remote resource.'}</footer>
</body>
</html>`.value}\n`;
}

/** A titled section; `id` makes it a link target (a table of contents links to `#id`). */
export function section(title: Part, body: Part, o: { id?: string; className?: string; level?: 2 | 3 } = {}): Html {
  const id = slug(o.id ?? String(part(title)));
  const heading = o.level === 3 ? html`<h3 id="${id}">${title}</h3>` : html`<h2 id="${id}">${title}</h2>`;
  return html`<section aria-labelledby="${id}"${o.className ? html` class="${o.className}"` : ''}>
${heading}
${body}
</section>
`;
}

/** A table column: its header and whether it holds numbers (right-aligned). */
export interface Column {
  label: string;
  numeric?: boolean;
}

/** A table row: its cells, and an optional class (e.g. `state-gap`). */
export interface Row {
  cells: Part[];
  className?: string;
}

/**
 * A table with column headers (`scope="col"`) and, in column `rowHeader` (default 0; -1 for none), row headers
 * (`scope="row"`).
 */
export function table(o: { caption?: Part; columns: readonly (string | Column)[]; rows: readonly (Row | readonly Part[])[]; rowHeader?: number; className?: string }): Html {
  const cols: Column[] = o.columns.map((c) => (typeof c === 'string' ? { label: c } : c));
  const rh = o.rowHeader ?? 0;
  const head = cols.map((c) => html`<th scope="col"${c.numeric ? raw(' class="num"') : ''}>${c.label}</th>`);
  const body = o.rows.map((r) => {
    const row: Row = Array.isArray(r) ? { cells: r as Part[] } : (r as Row);
    const cells = row.cells.map((v, i) => {
      const cls = cols[i]?.numeric ? raw(' class="num"') : '';
      return i === rh ? html`<th scope="row"${cls}>${v}</th>` : html`<td${cls}>${v}</td>`;
    });
    return html`<tr${row.className ? html` class="${row.className}"` : ''}>${cells}</tr>\n`;
  });
  return html`<table${o.className ? html` class="${o.className}"` : ''}>
${o.caption !== undefined ? html`<caption>${o.caption}</caption>\n` : ''}<thead><tr>${head}</tr></thead>
<tbody>
${body}</tbody>
</table>
`;
}

/** A coloured swatch and the state's name in words: the state never rests on colour alone. */
export function stateBadge(key: string, label: Part): Html {
  return html`<span class="badge"><span class="swatch k-${slug(key)}" aria-hidden="true"></span>${label}</span>`;
}

/** One part of a bar: a key (CSS class k-<key>: evidenced, crosswalk, stale, mentioned, gap, excluded, ok, warn, bad, info, na). */
export interface ChartSegment {
  key: string;
  label: string;
  value: number;
}

/** One bar: a group (function, theme, series, family), its parts, and the figure written after it. */
export interface ChartGroup {
  id: string;
  title: string;
  segments: ChartSegment[];
  /** Written after the bar, e.g. "75.0%". */
  figure?: string;
}

/** The legend: each key's swatch and name. */
export function legend(items: readonly { key: string; label: string }[]): Html {
  return html`<ul class="legend">${items.map((i) => html`<li>${stateBadge(i.key, i.label)}</li>`)}</ul>\n`;
}

/**
 * A horizontal stacked bar chart in inline SVG: one `<g class="bar">` per group, each bar as long as the largest
 * group, every bar and part with a <title> (the figures in words), the whole with role="img" and an aria-label.
 */
export function barChart(o: { title: string; groups: readonly ChartGroup[]; legend?: readonly { key: string; label: string }[] }): Html {
  const row = 26;
  const barH = 16;
  const labelW = 70;
  const barW = 600;
  const figureW = 80;
  const width = labelW + barW + figureW;
  const height = Math.max(1, o.groups.length) * row + 4;
  const max = Math.max(1, ...o.groups.map((g) => g.segments.reduce((n, s) => n + s.value, 0)));
  const words = (g: ChartGroup) => `${g.id}${g.title ? ` ${g.title}` : ''}: ${g.segments.filter((s) => s.value).map((s) => `${s.value} ${s.label}`).join(', ') || 'nothing'}${g.figure ? ` (${g.figure})` : ''}`;
  const bars = o.groups.map((g, i) => {
    const y = i * row + 2;
    const total = g.segments.reduce((n, s) => n + s.value, 0);
    let x = labelW;
    const parts = g.segments
      .filter((s) => s.value > 0)
      .map((s) => {
        const w = (s.value / max) * barW;
        const r = html`<rect class="k-${slug(s.key)}" x="${fixed(x)}" y="${y + (row - barH) / 2 - 1}" width="${fixed(w)}" height="${barH}"><title>${g.id}: ${s.value} ${s.label}</title></rect>`;
        x += w;
        return r;
      });
    return html`<g class="bar" data-group="${g.id}" aria-label="${words(g)}"><title>${words(g)}</title>
<text x="0" y="${y + row / 2 + 3}">${g.id}</text>
<rect class="track" x="${labelW}" y="${y + (row - barH) / 2 - 1}" width="${fixed((total / max) * barW)}" height="${barH}"></rect>
${parts}
<text x="${labelW + barW + 8}" y="${y + row / 2 + 3}">${g.figure ?? ''}</text>
</g>
`;
  });
  return html`<figure class="chart-figure">
<svg class="chart" viewBox="0 0 ${width} ${height}" role="img" aria-label="${o.title}" preserveAspectRatio="xMinYMin meet"><title>${o.title}</title>
${bars}</svg>
<figcaption>${o.legend ? legend(o.legend) : ''}</figcaption>
</figure>
`;
}

const fixed = (x: number) => Math.round(x * 100) / 100;

// ---------------------------------------------------------------------------------------------------------------
// Coverage

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/** The chart keys of coverage, in bar order, with their names. */
export const COVERAGE_LEGEND: readonly { key: string; label: string }[] = [
  { key: 'evidenced', label: 'evidenced (direct)' },
  { key: 'crosswalk', label: 'evidenced via crosswalk' },
  { key: 'stale', label: 'stale' },
  { key: 'mentioned', label: 'mentioned' },
  { key: 'gap', label: 'gap' },
  { key: 'excluded', label: 'excluded' },
];

/** A summary as bar parts: evidenced directly, via the crosswalk, stale, mentioned, gap, excluded. */
export function coverageSegments(s: Summary): ChartSegment[] {
  const v: Record<string, number> = { evidenced: s.evidenced - s.crosswalk, crosswalk: s.crosswalk, stale: s.stale, mentioned: s.mentioned, gap: s.gap, excluded: s.excluded };
  return COVERAGE_LEGEND.map((l) => ({ key: l.key, label: l.label, value: v[l.key] }));
}

/** A framework's groups as chart bars, with the direct ratio after each. */
export function coverageChart(f: FrameworkCoverage, groups = f.groups): Html {
  return barChart({
    title: `${f.name}: controls per group by state`,
    groups: groups.map((g) => ({ id: g.id, title: g.title, segments: coverageSegments(g.summary), figure: pct(g.summary.ratio) })),
    legend: COVERAGE_LEGEND,
  });
}

/** The chart key and the words of a control's state. */
export function stateOf(c: Pick<ControlCoverage, 'state' | 'crosswalkOnly'>): { key: string; label: string } {
  if (c.state === 'evidenced' && c.crosswalkOnly) return { key: 'crosswalk', label: 'evidenced (via crosswalk)' };
  if (c.state === 'stale' && c.crosswalkOnly) return { key: 'stale', label: 'stale (via crosswalk)' };
  return { key: c.state, label: c.state };
}

const at = (e: { uri: string; line: number }) => `${e.uri}:${e.line + 1}`;

function evidenceItem(e: EvidenceItem): Html {
  return html`<li data-uri="${e.uri}" data-line="${e.line}">${e.name} <code>${at(e)}</code>${e.via === 'crosswalk' ? html` <span class="note">(via crosswalk from ${e.from ?? ''})</span>` : ''}${
    e.fresh ? '' : html` <span class="problems">(not current: ${e.problems.join(', ')})</span>`
  }</li>`;
}

/** A control's evidence, citations and exclusion as a list. */
export function evidenceList(c: ControlCoverage): Html {
  const items: Html[] = [];
  if (c.exclusion !== undefined) items.push(html`<li>Excluded: ${c.exclusion}</li>`);
  for (const e of c.evidence) items.push(evidenceItem(e));
  for (const m of c.mentions) items.push(html`<li data-uri="${m.uri}" data-line="${m.line}">cited in ${m.name} <code>${at(m)}</code></li>`);
  return items.length ? html`<ul class="ev">${items}</ul>` : html``;
}

function counts(s: Summary): string {
  return `${s.evidenced - s.crosswalk} evidenced directly, ${s.crosswalk} through the crosswalk only, ${s.stale} stale, ${s.mentioned} mentioned, ${s.gap} gaps${s.excluded ? `, ${s.excluded} excluded` : ''}`;
}

function frameworkSection(f: FrameworkCoverage): Html {
  const s = f.summary;
  const groupRows = f.groups.map((g) => [
    g.id,
    g.title,
    g.summary.evidenced - g.summary.crosswalk,
    g.summary.crosswalk,
    g.summary.stale,
    g.summary.mentioned,
    g.summary.gap,
    g.summary.excluded,
    g.summary.total,
    pct(g.summary.ratio),
    pct(g.summary.ratioWithCrosswalk),
  ]);
  const num = (label: string): Column => ({ label, numeric: true });
  const controlRows: Row[] = f.controls.map((c) => {
    const st = stateOf(c);
    const first = c.evidence.find((e) => e.fresh) ?? c.evidence[0];
    return {
      className: `state-${st.key}`,
      cells: [c.id, c.title, c.group, stateBadge(st.key, st.label), [...new Set(c.evidence.flatMap((e) => e.owners))].join(', '), first?.lastReviewed ?? '', evidenceList(c)],
    };
  });
  return section(
    f.name,
    html`<p class="headline"><strong>${pct(s.ratio)}</strong> of ${s.total - s.excluded} applicable controls evidenced directly (${pct(s.ratioWithCrosswalk)} with the crosswalk)</p>
<p>${counts(s)}.</p>
${coverageChart(f)}
${table({ caption: 'Per group', columns: ['Group', 'Title', num('Evidenced'), num('Via crosswalk'), num('Stale'), num('Mentioned'), num('Gap'), num('Excluded'), num('Controls'), num('Ratio'), num('With crosswalk')], rows: groupRows })}
${table({ caption: 'Per control', columns: ['Control', 'Title', 'Group', 'State', 'Owner', 'Last review', 'Evidence'], rows: controlRows })}`,
    { id: `fw-${f.framework}`, className: 'framework' },
  );
}

function problemsSection(problems: readonly string[]): Part {
  return problems.length ? section('Configuration problems', html`<ul>${problems.map((p) => html`<li>${p}</li>`)}</ul>`, { id: 'problems' }) : '';
}

const STATES_NOTE = 'States: evidenced (fresh evidence lists the control, directly or through the crosswalk), stale (evidence, none of it current), mentioned (cited in a body, listed nowhere), gap (nothing), excluded (Statement of Applicability). docs/coverage.md defines each.';

/** The coverage report: per framework the headline ratio, a bar per group, the group table and one row per control. */
export function coverageHtml(report: CoverageReport, today: string): string {
  const nav = report.frameworks.length > 1 ? html`<nav aria-label="Frameworks"><ul>${report.frameworks.map((f) => html`<li><a href="#fw-${f.framework}">${f.name}</a> ${pct(f.summary.ratio)}</li>`)}</ul></nav>` : '';
  return page({
    title: 'Control coverage',
    subtitle: `Evidence as of ${today}, from the ISMS documents and NHI inventories. ${STATES_NOTE}`,
    body: [nav, problemsSection(report.problems), report.frameworks.map(frameworkSection)],
  });
}

// ---------------------------------------------------------------------------------------------------------------
// The deliverables (core/coverage/soa.ts tables)

/**
 * A deliverable table as a page: its title and note, an optional chart, and the table with the state column
 * (`stateColumn`) shown as a badge keyed by `states[i]` (the row's chart key).
 */
export function tableHtml(t: Table, o: { chart?: Part; states?: readonly string[]; stateColumn?: number; rowHeader?: number; problems?: readonly string[] } = {}): string {
  const sc = o.stateColumn ?? -1;
  const rows: Row[] = t.rows.map((r, i) => {
    const key = o.states?.[i];
    return { className: key ? `state-${slug(key)}` : undefined, cells: r.map((v, j) => (j === sc && key ? stateBadge(key, v) : v)) };
  });
  return page({
    title: t.title,
    subtitle: t.note,
    body: [problemsSection(o.problems ?? []), o.chart ?? '', table({ caption: `${t.rows.length} rows`, columns: t.columns, rows, rowHeader: o.rowHeader ?? 0 })],
  });
}

/** The Statement of Applicability (93 Annex A controls) with a bar per Annex A theme. */
export function soaHtml(report: CoverageReport, today: string): string {
  const t = statementOfApplicability(report, today);
  const iso = report.frameworks.find((f) => f.framework === 'iso27001')!;
  const annex = iso.controls.filter((c) => c.id.startsWith('A.'));
  const themes = iso.groups.filter((g) => g.id.startsWith('A.'));
  return tableHtml(t, {
    chart: section('Annex A themes', coverageChart(iso, themes), { id: 'themes' }),
    states: annex.map((c) => stateOf(c).key),
    stateColumn: t.columns.indexOf('Implementation status'),
    problems: report.problems,
  });
}

/** The CSF 2.0 Organizational Profile (106 subcategories; target columns when a target is set) with a bar per function. */
export function profileHtml(report: CoverageReport, today: string, target: Record<string, ProfileTarget> = {}): string {
  const t = csfProfile(report, today, target);
  const csf = report.frameworks.find((f) => f.framework === 'csf')!;
  return tableHtml(t, {
    chart: section('Functions', coverageChart(csf), { id: 'functions' }),
    states: csf.controls.map((c) => stateOf(c).key),
    stateColumn: t.columns.indexOf('Current status'),
    rowHeader: t.columns.indexOf('Subcategory'),
    problems: report.problems,
  });
}

/** Titles of a framework's groups, for renderers that build their own bars. */
export function groupTitle(framework: FrameworkCoverage['framework'], id: string): string {
  return catalog().get(framework, id)?.title ?? '';
}
