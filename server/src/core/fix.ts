/**
 * Fix-all over a whole file, as `isms check --fix` applies it: the safe fixes the editor's "Fix all" applies
 * (IsmsService.fixAll, the same code), applied and the file checked again until nothing is left to fix. A file with
 * a syntax error is never touched (a fix computed on a recovered parse may land in the wrong place), and a fix that
 * would insert a placeholder (TODO, TBD, <insert ...>) is never applied, whatever it is marked: it would turn a
 * finding into a different one, not fix it. A pass whose fixes would leave a syntax error is dropped.
 */
import type { Finding, Fix, TextEdit } from './types';
import { applyEdits, type SourceFile } from './text';
import { PLACEHOLDER_MARKUP, PLACEHOLDER_WORDS } from './lang/words';

export interface FixEngine {
  check(file: SourceFile): Finding[];
  fixAll(findings: Finding[]): { edits: TextEdit[]; findings: Finding[] };
}

export interface AppliedFix {
  ruleId: string;
  /** 0-based line of the finding, in the text of the pass that fixed it. */
  line: number;
  title: string;
}

export interface FileFix {
  text: string;
  /** Every fix applied, pass by pass. */
  applied: AppliedFix[];
  /** Why the file was left alone, when it was. */
  skipped?: 'syntax-error';
  /** False when fixes were still coming after the last pass allowed. */
  stable: boolean;
}

export const MAX_FIX_PASSES = 10;

// Copies without the global flag: `test` on the shared /g expressions would move their lastIndex under the rules that scan with them.
const WORDS = new RegExp(PLACEHOLDER_WORDS.source, PLACEHOLDER_WORDS.flags.replace('g', ''));
const MARKUP = new RegExp(PLACEHOLDER_MARKUP.source, PLACEHOLDER_MARKUP.flags.replace('g', ''));
const insertsPlaceholder = (fix: Fix) => fix.edits.some((e) => WORDS.test(e.newText) || MARKUP.test(e.newText));

/** The safe fixes of a finding that fix-all may apply from the command line. */
export function cliSafe(findings: readonly Finding[]): Finding[] {
  return findings.map((f) => ({ ...f, fixes: f.fixes.filter((x) => x.safe && !insertsPlaceholder(x)) }));
}

export function fixFile(engine: FixEngine, file: SourceFile, maxPasses = MAX_FIX_PASSES): FileFix {
  let text = file.text;
  const applied: AppliedFix[] = [];
  for (let pass = 0; pass < maxPasses; pass++) {
    const findings = engine.check({ uri: file.uri, text });
    if (findings.some((f) => f.ruleId === 'syntax-error')) return { text, applied, skipped: 'syntax-error', stable: true };
    const all = engine.fixAll(cliSafe(findings));
    if (!all.edits.length) return { text, applied, stable: true };
    const next = applyEdits(text, all.edits);
    if (next === text) return { text, applied, stable: true };
    // A pass whose fixes break the syntax is not kept (the fixes of the passes before it are).
    if (engine.check({ uri: file.uri, text: next }).some((f) => f.ruleId === 'syntax-error')) return { text, applied, stable: true };
    for (const f of all.findings) applied.push({ ruleId: f.ruleId, line: f.range.start.line, title: f.fixes[0]?.title ?? '' });
    text = next;
  }
  return { text, applied, stable: false };
}
