/**
 * The editor on `.isms.yaml`: diagnostics (core/config-file.ts), completion of settings, rule IDs, framework
 * names and severities, and hover with the documentation of a setting (config-docs.ts), a rule or a framework.
 * Line-based (the file is small and often half-written while it is completed). Pure.
 */
import { CONFIG_KEYS, FRAMEWORK_IDS, SEVERITY_SETTINGS } from '../config';
import { readConfigText, type ConfigDiagnostic } from '../config-file';
import { FRAMEWORKS } from '../catalog/frameworks';
import { allRules, ruleDocsUrl } from '../rules/registry';
import type { LineIndex } from '../text';
import type { Position, Range } from '../types';
import type { AssistItem } from './assist';
import { SETTING_DOCS, settingDoc } from './config-docs';

export { isConfigFile } from '../config-file';

/** The problems of `.isms.yaml` text (errors and warnings; not the glob check, which needs the workspace's files). */
export function configDiagnostics(text: string): ConfigDiagnostic[] {
  return readConfigText(text).diagnostics;
}

const SEVERITY_DOC: Record<string, string> = {
  error: 'Shown as an error; `isms check` fails (exit 1).',
  warning: 'Shown as a warning.',
  info: 'Shown as information.',
  hint: 'Shown as a hint (faded in the editor).',
  off: 'The rule does not run.',
};

/** The dotted path of the mapping a line sits in: the keys of the lines above with less indentation. */
function parentPath(lines: LineIndex, line: number, indent: number): string[] {
  const path: string[] = [];
  let want = indent;
  for (let l = line - 1; l >= 0 && want > 0; l--) {
    const m = /^( *)(?:- +)?([^\s#:][^:#]*?)\s*:(\s*(#.*)?)?$/.exec(lines.lineText(l));
    const t = lines.lineText(l);
    if (!t.trim() || t.trim().startsWith('#')) continue;
    const ind = /^ */.exec(t)![0].length;
    if (ind < want) {
      if (!m) return path; // (a value line above: not a mapping we know)
      path.unshift(m[2].trim());
      want = ind;
    }
  }
  return path;
}

/** Children of a mapping path: the settings, or the rule IDs under `rules`. */
function keysUnder(path: string[]): { label: string; detail?: string; documentation?: string }[] {
  const p = path.join('.');
  if (p === 'rules') return allRules().map((r) => ({ label: r.id, detail: `default ${r.defaultSeverity}`, documentation: `${r.description}\n\n[${r.id}](${ruleDocsUrl(r.id)})` }));
  const prefix = p ? p + '.' : '';
  const candidates = p === '' ? CONFIG_KEYS.map((k) => settingDoc(k)!).filter(Boolean) : SETTING_DOCS.filter((s) => s.key.startsWith(prefix) && !s.key.slice(prefix.length).includes('.'));
  return candidates.map((s) => ({ label: s.key.slice(prefix.length), detail: s.type, documentation: s.doc }));
}

/** Completion at `pos` of `.isms.yaml` text. */
export function completeConfig(lines: LineIndex, pos: Position): AssistItem[] {
  const text = lines.lineText(pos.line);
  const before = text.slice(0, pos.character);
  const word = /[A-Za-z0-9_.-]*$/.exec(before)![0];
  const range: Range = { start: { line: pos.line, character: pos.character - word.length }, end: pos };
  const indent = /^ */.exec(before)![0].length;
  // A value: `key: |`, or an item of a flow list `frameworks: [csf, |`.
  const value = /^ *([A-Za-z0-9_.-]+) *: *(\[[^\]]*)?[A-Za-z0-9_.-]*$/.exec(before);
  if (value) {
    const path = [...parentPath(lines, pos.line, indent), value[1]].join('.');
    if (path === 'frameworks' || (path.startsWith('frameworks') && value[2] !== undefined)) return frameworkItems(range, value[2] === undefined);
    if (path.startsWith('rules.')) return SEVERITY_SETTINGS.map((s, i) => ({ label: s, kind: 'value', documentation: SEVERITY_DOC[s], sortText: String(i), range, newText: s }));
    return [];
  }
  // An item of a block list under frameworks.
  if (/^ *- *[A-Za-z0-9_-]*$/.test(before)) {
    const path = parentPath(lines, pos.line, indent + 1);
    return path.join('.') === 'frameworks' ? frameworkItems(range, false) : [];
  }
  // A key.
  if (/^ *[A-Za-z0-9_.-]*$/.test(before)) {
    const path = parentPath(lines, pos.line, indent);
    return keysUnder(path).map((k, i) => ({
      label: k.label,
      kind: 'key' as const,
      detail: k.detail,
      documentation: k.documentation,
      sortText: String(i).padStart(3, '0'),
      range,
      newText: `${k.label}: `,
    }));
  }
  return [];
}

function frameworkItems(range: Range, asList: boolean): AssistItem[] {
  return FRAMEWORK_IDS.map((id, i) => ({
    label: id,
    kind: 'value' as const,
    detail: FRAMEWORKS[id].name,
    sortText: String(i),
    range,
    newText: asList ? `[${id}]` : id,
  }));
}

/** Hover at `pos`: a setting's documentation, a rule's description, a framework's name; with the range of the word. */
export function hoverConfig(lines: LineIndex, pos: Position): { contents: string; range: Range } | undefined {
  const text = lines.lineText(pos.line);
  const re = /[A-Za-z0-9_.-]+/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    if (m.index <= pos.character && pos.character <= m.index + m[0].length) break;
  }
  if (!m) return undefined;
  const word = m[0];
  const range: Range = { start: { line: pos.line, character: m.index }, end: { line: pos.line, character: m.index + word.length } };
  const indent = /^ */.exec(text)![0].length;
  const isKey = new RegExp(`^ *(?:- *)?${word.replace(/[.]/g, '\\.')} *:`).test(text) && text.indexOf(word) === m.index;
  const parent = parentPath(lines, pos.line, indent);
  if (isKey) {
    const path = [...parent, word].join('.');
    if (parent.join('.') === 'rules') {
      const r = allRules().find((x) => x.id === word);
      return r ? { contents: `**${r.id}** (default ${r.defaultSeverity})\n\n${r.description}\n\n[Documentation](${ruleDocsUrl(r.id)})`, range } : undefined;
    }
    const s = settingDoc(path);
    return s ? { contents: `**${s.key}**: ${s.type}\n\n${s.doc}`, range } : undefined;
  }
  // A value: a framework ID or a severity.
  const key = /^ *(?:- *)?([A-Za-z0-9_.-]+) *:/.exec(text)?.[1];
  const path = key ? [...parent, key].join('.') : parent.join('.');
  if ((path === 'frameworks' || path.startsWith('frameworks')) && (FRAMEWORK_IDS as readonly string[]).includes(word.toLowerCase())) {
    const f = FRAMEWORKS[word.toLowerCase() as keyof typeof FRAMEWORKS];
    return { contents: `**${f.name}** (\`${f.prefix}:\`)\n\n${f.assuranceRole}`, range };
  }
  if (path.startsWith('rules.') && SEVERITY_DOC[word]) return { contents: `**${word}**: ${SEVERITY_DOC[word]}`, range };
  return undefined;
}
