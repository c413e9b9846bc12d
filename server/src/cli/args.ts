/**
 * The command line: each command declares its options (with the text of its help) and node:util's
 * parseArgs splits the arguments into tokens; this module checks them, so that an unknown option, a
 * missing value or a misspelt command is a UsageError (exit code 2) with a suggestion, never a stack trace.
 */
import { parseArgs } from 'node:util';
import { closest } from '../core/lang/document';
import type { Out } from './io';
import { EXIT_CODES } from './io';

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  /** The value's placeholder in the help, e.g. `<file>`. */
  value?: string;
  /** One sentence for the help. */
  description: string;
}

export type OptionSpecs = Record<string, OptionSpec>;

export interface ParsedArgs {
  /** Option values by name: a string, `true` for a boolean option given, absent when not given (the last one wins). */
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
  /** Every value of each string option given more than once or once, in order (for repeatable options such as `--also`). */
  lists?: Record<string, string[]>;
}

export interface Command {
  name: string;
  /** One line for the list of commands: the arguments, then what it does. */
  synopsis: string;
  summary: string;
  /** Usage lines, after `isms `. */
  usage: string[];
  /** What the command does, for its help (lines). */
  description: string[];
  options: OptionSpecs;
  /** Lines after the options: environment, examples. */
  notes?: string[];
  /** Exit codes of this command, when they are not the usual ones. */
  exitCodes?: string;
  run(args: ParsedArgs, io: Out): number | Promise<number>;
}

/** A mistake on the command line: printed with a pointer to the help, exit code 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    /** The command whose help to point at (the general help when absent). */
    readonly command?: string,
  ) {
    super(message);
  }
}

export const HELP_OPTION: OptionSpec = { type: 'boolean', short: 'h', description: 'show this help' };

/**
 * `; did you mean 'x'?` for the candidate nearest to `word` (see `closest`; `max` edits at most, by
 * default 1 for words up to 4 characters, 2 up to 8, else 3), or nothing.
 */
export function didYouMean(word: string, candidates: Iterable<string>, show: (c: string) => string = (c) => c, max?: number): string {
  const near = max === undefined ? closest(word, candidates) : closest(word, candidates, max);
  return near === undefined ? '' : `; did you mean '${show(near)}'?`;
}

/** Edits allowed in a suggested command name: as `closest`'s default, but two from four letters on ('shwo' -> 'show'). */
export function nameEdits(word: string): number {
  return word.length < 4 ? 1 : word.length <= 8 ? 2 : 3;
}

/**
 * Parses a command's arguments. Returns `help: true` when -h/--help is among them (whatever else is
 * wrong); throws a UsageError for an unknown option, a string option without a value (or whose value
 * looks like an option: write `--config=-file.yaml` for that) and a value given to a boolean option.
 */
export function parseCommandArgs(command: string, args: readonly string[], specs: OptionSpecs): ParsedArgs & { help: boolean } {
  const all: OptionSpecs = { ...specs, help: HELP_OPTION };
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = {};
  for (const [name, s] of Object.entries(all)) options[name] = s.short ? { type: s.type, short: s.short } : { type: s.type };
  const { tokens } = parseArgs({ args: [...args], options, strict: false, allowPositionals: true, tokens: true });
  if (tokens.some((t) => t.kind === 'option' && t.name === 'help')) return { values: {}, positionals: [], help: true };
  const values: ParsedArgs['values'] = {};
  const lists: Record<string, string[]> = {};
  const positionals: string[] = [];
  for (const t of tokens) {
    if (t.kind === 'positional') positionals.push(t.value);
    if (t.kind !== 'option') continue;
    const spec = Object.hasOwn(all, t.name) ? all[t.name] : undefined;
    if (!spec) {
      const word = t.rawName.replace(/^-+/, '');
      throw new UsageError(`unknown option '${t.rawName}'${didYouMean(word, Object.keys(all), (c) => '--' + c)}`, command);
    }
    if (spec.type === 'boolean') {
      if (t.value !== undefined) throw new UsageError(`option '--${t.name}' takes no value`, command);
      values[t.name] = true;
    } else {
      if (t.value === undefined || (!t.inlineValue && t.value.startsWith('-') && t.value !== '-'))
        throw new UsageError(`option '--${t.name}' needs a value${spec.value ? `: --${t.name} ${spec.value}` : ''}`, command);
      values[t.name] = t.value;
      (lists[t.name] ??= []).push(t.value);
    }
  }
  return { values, positionals, lists, help: false };
}

/** The help of one command: usage, description, options, notes, exit codes. */
export function commandHelp(cmd: Command): string {
  const lines = ['Usage:', ...cmd.usage.map((u) => `  isms ${u}`), '', ...cmd.description, '', 'Options:'];
  lines.push(...optionLines({ ...cmd.options, help: HELP_OPTION }));
  if (cmd.notes?.length) lines.push('', ...cmd.notes);
  lines.push('', cmd.exitCodes ?? EXIT_CODES);
  return lines.join('\n');
}

function optionLines(specs: OptionSpecs): string[] {
  const rows = Object.entries(specs).map(([name, s]) => [`${s.short ? `-${s.short}, ` : '    '}--${name}${s.value ? ' ' + s.value : ''}`, s.description]);
  return table(rows);
}

/** Two columns, the second wrapped to 100 characters. */
export function table(rows: string[][]): string[] {
  const width = Math.max(...rows.map((r) => r[0].length)) + 2;
  const out: string[] = [];
  for (const [left, right] of rows) {
    const words = right.split(' ');
    let line = `  ${left.padEnd(width)}`;
    let start = true;
    for (const w of words) {
      if (!start && line.length + 1 + w.length > 100) {
        out.push(line);
        line = ' '.repeat(width + 2) + w;
      } else line += (start ? '' : ' ') + w;
      start = false;
    }
    out.push(line);
  }
  return out;
}

export { isCalendarDate } from '../core/config';
