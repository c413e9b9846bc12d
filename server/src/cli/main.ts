/**
 * The `isms` command: the same engine as the language server, over files on disk.
 *   isms check [paths] [--format text|json|sarif] [--today YYYY-MM-DD] [--config FILE]
 *   isms catalog show <id> | isms catalog search <words>
 *   isms lsp --stdio
 * Exit codes: 0 no errors, 1 errors found, 2 usage or configuration error.
 */
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { IsmsService, controlMarkdown } from '../core/service';
import { nodeFileHost } from '../node/file-host';
import { availableParallelism } from 'node:os';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { factsOf, type FileFacts } from '../core/workspace-index';
import { defaultConfig, mergeConfig, type Config, type ConfigProblem } from '../core/config';
import { matchesAny } from '../core/glob';
import { allRules, ruleDocsUrl, ruleMeta } from '../core/rules/registry';
import { catalog } from '../core/catalog/catalog';
import { scanReferences } from '../core/refs/scan';
import { FRAMEWORK_IDS } from '../core/config';
import type { Finding } from '../core/types';
import type { IdentitySummary } from '../core/analysis/inventory';
import { comparePos } from '../core/text';

const byPosition = (a: Finding, b: Finding) => comparePos(a.range.start, b.range.start) || a.ruleId.localeCompare(b.ruleId);

const VERSION = '0.1.0';
const USAGE = `Usage:
  isms check [paths...] [--format text|json|sarif] [--today YYYY-MM-DD] [--config FILE]
  isms catalog show <id>          e.g. isms catalog show CSF:PR.AA-01
  isms catalog search <words>     e.g. isms catalog search identity management
  isms lsp --stdio                start the language server (for any LSP editor)
  isms --version | --help
Exit codes: 0 no errors, 1 errors found, 2 usage or configuration error.`;

interface Out {
  out: (s: string) => void;
  err: (s: string) => void;
}

const stdio: Out = { out: (s) => process.stdout.write(s + '\n'), err: (s) => process.stderr.write(s + '\n') };

export async function main(argv: string[], io: Out = stdio): Promise<number> {
  const [cmd, ...rest] = argv;
  try {
    switch (cmd) {
      case 'check':
        return check(rest, io);
      case 'catalog':
        return catalogCmd(rest, io);
      case 'lsp': {
        // Loaded only here: the protocol library is not needed for the other commands.
        const lsp = require('../lsp/server') as typeof import('../lsp/server');
        lsp.blockingStdout();
        lsp.startServer();
        return new Promise<number>(() => undefined);
      }
      case '--version':
      case '-v':
        io.out(VERSION);
        return 0;
      case '--help':
      case '-h':
      case 'help':
        io.out(USAGE);
        return 0;
      default:
        io.err(cmd ? `isms: unknown command '${cmd}'\n\n${USAGE}` : USAGE);
        return 2;
    }
  } catch (e) {
    io.err(`isms: ${(e as Error).message}`);
    return 2;
  }
}

interface FileResult {
  path: string;
  kind: string;
  findings: Finding[];
}

async function check(args: string[], io: Out): Promise<number> {
  let format = 'text';
  let today: string | undefined;
  let configPath: string | undefined;
  const paths: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const value = () => {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : args[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--format' || a.startsWith('--format=')) format = value();
    else if (a === '--today' || a.startsWith('--today=')) today = value();
    else if (a === '--config' || a.startsWith('--config=')) configPath = value();
    else if (a.startsWith('-')) return usage(io, `unknown option '${a}'`);
    else paths.push(a);
  }
  if (!['text', 'json', 'sarif'].includes(format)) return usage(io, `--format must be text, json or sarif`);
  if (today !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(today)) return usage(io, `--today must be YYYY-MM-DD`);
  if (paths.length === 0) paths.push('.');
  for (const p of paths) if (!existsSync(p)) return usage(io, `no such file or directory: ${p}`);

  const start = resolve(statSync(paths[0]).isDirectory() ? paths[0] : dirname(paths[0]));
  // Globs and root-relative links are read from the project root: the folder of .isms.yaml, else the git root.
  const root = configPath ? dirname(resolve(configPath)) : projectRoot(start);
  const problems: ConfigProblem[] = [];
  let config = defaultConfig();
  const cfgFile = configPath ?? findConfig(start);
  if (cfgFile) {
    let raw: unknown;
    try {
      raw = parseYaml(readFileSync(cfgFile, 'utf8'));
    } catch (e) {
      io.err(`isms: ${cfgFile}: ${(e as Error).message.split('\n')[0]}`);
      return 2;
    }
    config = mergeConfig(config, raw, problems);
  }
  if (today) config.today = today;
  if (problems.length) {
    for (const p of problems) io.err(`isms: ${cfgFile}: ${p.path ? p.path + ': ' : ''}${p.message}`);
    return 2;
  }

  const files = collect(paths, root, config);
  const service = checker(root, config);
  // Large workspaces are shared out to worker threads (YAML parsing dominates and is CPU bound).
  // ISMS_WORKERS overrides the number of threads (1 = no workers).
  const forced = Number(process.env.ISMS_WORKERS);
  const workers = forced >= 1 ? Math.min(Math.floor(forced), 16, Math.max(1, files.length)) : files.length >= PARALLEL_MIN_FILES ? Math.min(availableParallelism(), MAX_WORKERS) : 1;
  const outcomes =
    workers > 1 ? await checkInParallel(files, workers, root, config, io) : checkShard(files, service, root, (m) => io.err(m));

  const results: FileResult[] = [];
  const covered = new Map<string, Set<string>>();
  const identities = new Map<number, { uri: string; list: IdentitySummary[] }>();
  for (const o of outcomes) {
    if (!o) continue;
    for (const [fw, ids] of o.covered) {
      const set = covered.get(fw) ?? covered.set(fw, new Set()).get(fw)!;
      for (const id of ids) set.add(id);
    }
    service.index.set(o.uri, o.facts);
    results.push({ path: o.path, kind: o.kind, findings: o.findings });
    if (o.identities.length) identities.set(results.length - 1, { uri: o.uri, list: o.identities });
  }
  // Cross-file findings once every file is indexed (identity IDs unique across the workspace).
  for (const [i, { uri, list }] of identities) {
    const extra = service.workspaceFindings(uri, list);
    if (extra.length) results[i].findings = [...results[i].findings, ...extra].sort(byPosition);
  }

  if (format === 'json') {
    // Written file by file: one JSON string for a 10,000-file workspace would be tens of MB.
    io.out(`{\n  "version": ${JSON.stringify(VERSION)},\n  "files": [${results.length ? '' : ']\n}'}`);
    results.forEach((r, i) => io.out(JSON.stringify(r, null, 2).replace(/^/gm, '    ') + (i + 1 < results.length ? ',' : '\n  ]\n}')));
  } else if (format === 'sarif') io.out(JSON.stringify(sarif(results), null, 2));
  else printText(results, covered, config, io);
  return results.some((r) => r.findings.some((f) => f.severity === 'error')) ? 1 : 0;
}

const PARALLEL_MIN_FILES = 400;
const MAX_WORKERS = 4;

/** What checking one file yields; plain data, so it crosses from a worker thread. */
interface FileOutcome {
  uri: string;
  path: string;
  kind: string;
  findings: Finding[];
  identities: IdentitySummary[];
  /** Framework -> control IDs referenced. */
  covered: [string, string[]][];
  facts: FileFacts;
}

function checker(root: string, config: Config): IsmsService {
  return new IsmsService({ relativePath: (p) => relative(root, p).split('\\').join('/'), files: nodeFileHost(() => root), oneShot: true }, config);
}

/** Checks `files` in order with one service; files that are not ISMS files yield undefined. */
function checkShard(files: readonly string[], service: IsmsService, root: string, warn: (m: string) => void): (FileOutcome | undefined)[] {
  void root;
  return files.map((file) => {
    let buf: Buffer;
    try {
      buf = readFileSync(file);
    } catch (e) {
      warn(`isms: cannot read ${file}: ${(e as Error).message}`);
      return undefined;
    }
    const text = decode(buf);
    const a = service.analysis({ uri: file, text });
    if (a.kind === 'other') {
      service.forget(file);
      return undefined;
    }
    const covered = new Map<string, Set<string>>();
    for (const r of a.refs) if (r.status === 'ok') for (const id of r.members ?? [r.id]) (covered.get(r.framework) ?? covered.set(r.framework, new Set()).get(r.framework)!).add(id);
    const out: FileOutcome = {
      uri: file,
      path: relative(process.cwd(), file).split('\\').join('/') || file,
      kind: a.kind,
      findings: service.check({ uri: file, text }, { workspace: false }),
      identities: a.identities ?? [],
      covered: [...covered].map(([fw, ids]) => [fw, [...ids]]),
      facts: factsOf(a),
    };
    service.forget(file); // keep memory flat on large workspaces
    return out;
  });
}

/** Splits `files` into contiguous shards checked by worker threads; the main thread takes the first. */
async function checkInParallel(files: readonly string[], workers: number, root: string, config: Config, io: Out): Promise<(FileOutcome | undefined)[]> {
  const size = Math.ceil(files.length / workers);
  const shards = Array.from({ length: workers }, (_, i) => files.slice(i * size, (i + 1) * size));
  const pending = shards.slice(1).map(
    (shard) =>
      new Promise<(FileOutcome | undefined)[]>((resolveShard, reject) => {
        const w = new Worker(__filename, { workerData: { ismsShard: true, files: shard, root, config } });
        w.once('message', (m: { outcomes: (FileOutcome | undefined)[]; warnings: string[] }) => {
          m.warnings.forEach((x) => io.err(x));
          resolveShard(m.outcomes);
        });
        w.once('error', reject);
        w.once('exit', (code) => code !== 0 && reject(new Error(`worker exited with code ${code}`)));
      }),
  );
  const first = checkShard(shards[0], checker(root, config), root, (m) => io.err(m));
  const rest = await Promise.all(pending);
  return first.concat(...rest);
}

// A worker thread started by checkInParallel: check its shard and send the outcomes back.
if (!isMainThread && (workerData as { ismsShard?: boolean } | null)?.ismsShard) {
  const { files, root, config } = workerData as { files: string[]; root: string; config: Config };
  const warnings: string[] = [];
  const outcomes = checkShard(files, checker(root, config), root, (m) => warnings.push(m));
  parentPort!.postMessage({ outcomes, warnings });
}

function usage(io: Out, msg: string): number {
  io.err(`isms: ${msg}\n\n${USAGE}`);
  return 2;
}

/** The nearest folder above `start` holding .isms.yaml or .git; `start` itself when there is none. */
function projectRoot(start: string): string {
  for (let dir = start; ; ) {
    if (existsSync(join(dir, '.isms.yaml')) || existsSync(join(dir, '.git'))) return dir;
    const up = dirname(dir);
    if (up === dir) return start;
    dir = up;
  }
}

function findConfig(start: string): string | undefined {
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

/** UTF-8 (with or without BOM) or UTF-16 with BOM; anything else is read as UTF-8 with replacement characters. */
function decode(buf: Buffer): string {
  if (buf[0] === 0xff && buf[1] === 0xfe) return buf.subarray(2).toString('utf16le');
  if (buf[0] === 0xfe && buf[1] === 0xff) return Buffer.from(buf.subarray(2)).swap16().toString('utf16le');
  const s = buf.toString('utf8');
  return s.charCodeAt(0) === 0xfeff ? s.slice(1) : s;
}

function collect(paths: string[], root: string, config: Config): string[] {
  const out: string[] = [];
  const visit = (p: string, explicit: boolean) => {
    const rel = relative(root, p).split('\\').join('/');
    if (!explicit && matchesAny(rel, config.ignoreGlobs)) return;
    let st;
    try {
      st = statSync(p);
    } catch {
      return;
    }
    if (st.isDirectory()) {
      const name = p.split(/[\\/]/).pop()!;
      if (!explicit && (name === 'node_modules' || name === '.git')) return;
      for (const e of readdirSync(p).sort()) visit(join(p, e), false);
    } else if (/\.(md|markdown|ya?ml)$/i.test(p)) out.push(resolve(p));
  };
  for (const p of paths) visit(resolve(p), true);
  return [...new Set(out)];
}

function printText(results: FileResult[], covered: Map<string, Set<string>>, config: Config, io: Out): void {
  let errors = 0;
  let warnings = 0;
  let infos = 0;
  for (const r of results) {
    for (const f of r.findings) {
      if (f.severity === 'error') errors++;
      else if (f.severity === 'warning') warnings++;
      else infos++;
      io.out(`${r.path}:${f.range.start.line + 1}:${f.range.start.character + 1}  ${f.severity.padEnd(7)} ${f.message}  [${f.ruleId}]`);
    }
  }
  const docs = results.filter((r) => r.kind === 'process-document').length;
  const inv = results.filter((r) => r.kind === 'inventory').length;
  io.out('');
  io.out(`${results.length} files checked (${docs} process documents, ${inv} inventories): ${errors} errors, ${warnings} warnings, ${infos} infos.`);
  const cat = catalog();
  const cov: string[] = [];
  for (const fw of config.frameworks) {
    const leaves = cat.all(fw).filter((c) => ['subcategory', 'control', 'criterion', 'risk', 'enhancement'].includes(c.kind) && !c.withdrawn && !(fw === 'iso27001' && !c.id.startsWith('A.')));
    const hit = leaves.filter((c) => covered.get(fw)?.has(c.id)).length;
    cov.push(`${cat.framework(fw).prefix} ${hit}/${leaves.length}`);
  }
  io.out(`Controls referenced: ${cov.join(', ')}.`);
}

function sarif(results: FileResult[]) {
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
        ),
      },
    ],
  };
}

function catalogCmd(args: string[], io: Out): number {
  const [sub, ...words] = args;
  const cat = catalog();
  if (sub === 'show' && words.length === 1) {
    const refs = scanReferences(words[0], { frameworks: [...FRAMEWORK_IDS], mode: 'list' });
    const ref = refs[0];
    const c = ref && (ref.status === 'ok' || ref.status === 'malformed') ? cat.get(ref.framework, ref.id) : undefined;
    if (!c) {
      io.err(`isms: '${words[0]}' is not in the catalogs${ref?.reason ? `: ${ref.reason}` : ''}${ref?.legacy ? ` (earlier edition; now ${ref.legacy.successors.join(', ')})` : ''}`);
      return 1;
    }
    io.out(controlMarkdown(c));
    return 0;
  }
  if (sub === 'search' && words.length) {
    const hits = cat.search(words.join(' '), [...FRAMEWORK_IDS]);
    for (const c of hits) io.out(`${cat.ref(c).padEnd(22)} ${c.title}`);
    if (!hits.length) io.err('isms: no control matches');
    return hits.length ? 0 : 1;
  }
  return usage(io, 'catalog needs: show <id> | search <words>');
}

// Keep rule metadata reachable for tools that import the CLI bundle.
export { ruleMeta };

if (require.main === module && isMainThread) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
