/** Where the CLI writes: stdout for results, stderr for messages (tests pass their own). */
export interface Out {
  out: (s: string) => void;
  err: (s: string) => void;
}

export const stdio: Out = { out: (s) => process.stdout.write(s + '\n'), err: (s) => process.stderr.write(s + '\n') };

/** The version written by `--version` and into JSON and SARIF output. */
export { VERSION } from '../core/version';

export const EXIT_CODES =
  'Exit codes: 0 no errors, 1 errors found, 2 usage or configuration error, 3 no errors but a file (or part of one)\ncould not be checked: unreadable, not a regular file, binary, too large, too deep, or a link out of the project.';
