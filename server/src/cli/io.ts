/** Where the CLI writes: stdout for results, stderr for messages (tests pass their own). */
export interface Out {
  out: (s: string) => void;
  err: (s: string) => void;
  /** Colour the text output (a terminal that has not asked for none). */
  color?: boolean;
}

/** Colour on a terminal unless NO_COLOR is set (https://no-color.org); FORCE_COLOR forces it. */
export function wantsColor(env: NodeJS.ProcessEnv = process.env, tty = !!process.stdout.isTTY): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false') return true;
  return tty && env.TERM !== 'dumb';
}

export const stdio: Out = {
  out: (s) => process.stdout.write(s + '\n'),
  err: (s) => process.stderr.write(s + '\n'),
  get color() {
    return wantsColor();
  },
};

/** The version written by `--version` and into JSON and SARIF output. */
export { VERSION } from '../core/version';

export const EXIT_CODES =
  'Exit codes: 0 no errors, 1 errors found, 2 usage or configuration error, 3 no errors but a file (or part of one)\ncould not be checked: unreadable, not a regular file, binary, too large, too deep, or a link out of the project.';
