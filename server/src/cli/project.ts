/** The project of a check: its root (where globs and root-relative links are read from) and its configuration. */
import { readFileSync, existsSync } from 'node:fs';
import { join, resolve, dirname, relative, isAbsolute } from 'node:path';
import { DEFAULT_OWNERS_FILE, defaultConfig, type Config } from '../core/config';
import { readConfigText, type ConfigDiagnostic } from '../core/config-file';
import { readOwners } from '../core/lang/owners';

/** The nearest folder above `start` holding .isms.yaml or .git; `start` itself when there is none. */
export function projectRoot(start: string): string {
  for (let dir = start; ; ) {
    if (existsSync(join(dir, '.isms.yaml')) || existsSync(join(dir, '.git'))) return dir;
    const up = dirname(dir);
    if (up === dir) return start;
    dir = up;
  }
}

/** The .isms.yaml of the nearest folder above `start`, not looking above a git root. */
export function findConfig(start: string): string | undefined {
  let dir = start;
  for (;;) {
    const f = join(dir, '.isms.yaml');
    if (existsSync(f)) return f;
    if (existsSync(join(dir, '.git'))) return undefined;
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

/**
 * The owners registry of a project: `configured` (`owners:` in .isms.yaml, relative to the root) or `owners.yaml` at the
 * root. A configured registry that cannot be read is a configuration error; a missing default one means no registry.
 */
export function loadOwners(root: string, configured: string | undefined): ReturnType<typeof readOwners> | undefined {
  const path = resolve(root, configured ?? DEFAULT_OWNERS_FILE);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if (configured === undefined) return undefined;
    throw new ConfigError([`isms: owners: the owners registry ${configured} cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`]);
  }
  const name = relative(root, path).split('\\').join('/');
  return readOwners(text, path, name);
}

/** A configuration file that cannot be read or used: each message is one line for stderr (exit code 2). */
export class ConfigError extends Error {
  constructor(readonly lines: string[]) {
    super(lines.join('\n'));
  }
}

/**
 * The root and the configuration for a check that starts at folder `start`: the root is the folder of
 * `configPath` when given, else the nearest folder with .isms.yaml or .git; the configuration is the
 * defaults merged with `configPath` or the .isms.yaml found above `start`, then `today` when given.
 * Every problem of the file is a ConfigError line `file:line:col: message` (core/config-file.ts): never a silent default.
 */
export function loadProject(start: string, configPath: string | undefined, today: string | undefined): { root: string; config: Config; configFile?: string; configText?: string; warnings: string[] } {
  // Globs and root-relative links are read from the project root: the folder of .isms.yaml, else the git root.
  const root = configPath ? dirname(resolve(configPath)) : projectRoot(start);
  let config = defaultConfig();
  const cfgFile = configPath ?? findConfig(start);
  let text: string | undefined;
  if (cfgFile) {
    try {
      text = readFileSync(cfgFile, 'utf8');
    } catch (e) {
      throw new ConfigError([`isms: ${cfgFile}: ${(e as Error).message.split('\n')[0]}`]);
    }
    const read = readConfigText(text, config);
    const errors = read.diagnostics.filter((d) => d.severity === 'error');
    if (errors.length) throw new ConfigError(errors.map((d) => configLine(cfgFile, d)));
    config = read.config;
  }
  if (today) config.today = today;
  const warnings: string[] = [];
  const registry = loadOwners(root, config.owners);
  if (registry) {
    config.ownerRegistry = registry;
    for (const p of registry.problems) warnings.push(`isms: ${registry.name}:${p.line + 1}: owners registry: ${p.message}`);
  }
  return { root, config, configFile: cfgFile, configText: text, warnings };
}

/** `file:line:col: message` (1-based), the setting's path in front of the message. */
export function configLine(file: string, d: ConfigDiagnostic): string {
  const shown = relative(process.cwd(), file);
  const name = shown && !shown.startsWith('..') && !isAbsolute(shown) ? shown : file;
  const prefix = d.path && !d.message.startsWith(`unknown`) && !d.message.startsWith(d.path) ? `${d.path}: ` : '';
  return `${name}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${d.severity} ${prefix}${d.message}`;
}
