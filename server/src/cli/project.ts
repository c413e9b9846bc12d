/** The project of a check: its root (where globs and root-relative links are read from) and its configuration. */
import { readFileSync, existsSync } from 'node:fs';
import { join, resolve, dirname, relative } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { deepValues, MAX_YAML_DEPTH } from '../core/lang/fast-yaml';
import { defaultConfig, mergeConfig, type Config, type ConfigProblem } from '../core/config';
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
  const path = resolve(root, configured ?? 'owners.yaml');
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
 */
export function loadProject(start: string, configPath: string | undefined, today: string | undefined): { root: string; config: Config; warnings: string[] } {
  // Globs and root-relative links are read from the project root: the folder of .isms.yaml, else the git root.
  const root = configPath ? dirname(resolve(configPath)) : projectRoot(start);
  const problems: ConfigProblem[] = [];
  let config = defaultConfig();
  const cfgFile = configPath ?? findConfig(start);
  if (cfgFile) {
    let raw: unknown;
    try {
      const text = readFileSync(cfgFile, 'utf8');
      // A configuration nested deeper than the YAML library survives would take the run down (out of memory).
      if (deepValues(text).length) throw new Error(`nested more than ${MAX_YAML_DEPTH} levels deep: not read`);
      raw = parseYaml(text);
    } catch (e) {
      throw new ConfigError([`isms: ${cfgFile}: ${(e as Error).message.split('\n')[0]}`]);
    }
    config = mergeConfig(config, raw, problems);
  }
  if (today) config.today = today;
  if (problems.length) throw new ConfigError(problems.map((p) => `isms: ${cfgFile}: ${p.path ? p.path + ': ' : ''}${p.message}`));
  const warnings: string[] = [];
  const registry = loadOwners(root, config.owners);
  if (registry) {
    config.ownerRegistry = registry;
    for (const p of registry.problems) warnings.push(`isms: ${registry.name}:${p.line + 1}: owners registry: ${p.message}`);
  }
  return { root, config, warnings };
}
