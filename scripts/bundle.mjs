#!/usr/bin/env node
// Bundles the extension client, the language server and the CLI into dist/ with esbuild.
//
//   node scripts/bundle.mjs            one build
//   node scripts/bundle.mjs --watch    rebuild on change (for F5 debugging)
//   node scripts/bundle.mjs --minify   smaller output
//
// Type checking is `tsc -b`'s job; this script only bundles. Entries that do not exist yet are
// skipped with a warning so the build keeps working while the tree is being written.
import { copyFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = new Set(process.argv.slice(2));
const watch = args.has('--watch');
const minify = args.has('--minify');

/** @type {{ name: string, entry: string, out: string, external: string[] }[]} */
const targets = [
  { name: 'client', entry: 'client/src/extension.ts', out: 'dist/client.js', external: ['vscode'] },
  { name: 'server', entry: 'server/src/lsp/main.ts', out: 'dist/server.js', external: [] },
  { name: 'cli', entry: 'server/src/cli/main.ts', out: 'dist/cli.js', external: [] },
  // `isms lsp` starts Node once more with the server's options before bin/isms.js loads the CLI's bundle: the first
  // process, which only waits for the server, then stays small.
  { name: 'node-options', entry: 'server/src/node/node-options.ts', out: 'dist/node-options.js', external: [] },
];

// ESM-only dependencies (unified, remark-parse, …) become CommonJS here. Should any of them read
// `import.meta.url`, give it the bundle's own file URL instead of esbuild's empty `import.meta`.
const importMetaShim = "const __import_meta_url = require('node:url').pathToFileURL(__filename).href;";

/** @type {esbuild.BuildOptions} */
const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: true,
  sourcesContent: false,
  minify,
  logLevel: 'warning',
  metafile: true,
  banner: { js: importMetaShim },
  define: { 'import.meta.url': '__import_meta_url' },
};

// WebAssembly the bundles load at run time (server/src/node/hcl.ts looks for them next to the bundle):
// the web-tree-sitter runtime and the Terraform grammar. They are copied, never fetched.
const require = createRequire(import.meta.url);
const wasmFiles = [
  { from: 'web-tree-sitter/tree-sitter.wasm', to: 'dist/tree-sitter.wasm' },
  { from: '@tree-sitter-grammars/tree-sitter-hcl/tree-sitter-terraform.wasm', to: 'dist/tree-sitter-terraform.wasm' },
];
function copyWasm() {
  mkdirSync(join(root, 'dist'), { recursive: true });
  for (const w of wasmFiles) copyFileSync(require.resolve(w.from), join(root, w.to));
}

const present = [];
for (const t of targets) {
  if (existsSync(join(root, t.entry))) {
    present.push(t);
  } else {
    console.warn(`\x1b[33mbundle: WARNING: ${t.entry} does not exist yet; skipping ${t.out}\x1b[0m`);
    // Never ship a stale bundle for a missing entry.
    rmSync(join(root, t.out), { force: true });
    rmSync(join(root, `${t.out}.map`), { force: true });
  }
}

/**
 * Our `import { isMap, Scalar, ... } from 'yaml'` as plain bindings. yaml's Node build is CommonJS, and esbuild imports
 * a CommonJS module's names through an object of getters (`__toESM`), one shared getter function with a keyed load per
 * name: every isMap/isScalar/new Scalar of the readers and rules went through it (~3 % of `isms check`'s CPU). This
 * module reads each name once from the same CommonJS build (the same library code: only how the bundle binds the names).
 */
const yamlNames = Object.keys(require('yaml')).filter((k) => /^[A-Za-z_$][\w$]*$/.test(k) && k !== 'default');
const directYaml = {
  name: 'direct-yaml',
  setup(build) {
    build.onResolve({ filter: /^yaml$/ }, (args) =>
      args.kind === 'import-statement' && args.namespace === 'file' && !/[\\/]node_modules[\\/]/.test(args.importer) ? { path: 'yaml', namespace: 'direct-yaml' } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'direct-yaml' }, () => ({
      contents: `const Y = require('yaml');\nexport const { ${yamlNames.join(', ')} } = Y;\nexport default Y;\n`,
      resolveDir: root,
      loader: 'js',
    }));
  },
};

/** @param {typeof targets[number]} t */
const options = (t) => ({
  ...common,
  absWorkingDir: root,
  entryPoints: [t.entry],
  outfile: t.out,
  external: t.external,
  plugins: [directYaml],
});

copyWasm();
if (watch) {
  for (const t of present) {
    const ctx = await esbuild.context({
      ...options(t),
      plugins: [
        directYaml,
        {
          name: 'report',
          setup(build) {
            build.onEnd((r) => {
              const status = r.errors.length ? `failed (${r.errors.length} errors)` : 'ok';
              console.log(`[${new Date().toLocaleTimeString()}] ${t.out}: ${status}`);
            });
          },
        },
      ],
    });
    await ctx.watch();
  }
  console.log('bundle: watching for changes…');
} else {
  let failed = false;
  for (const t of present) {
    try {
      const result = await esbuild.build(options(t));
      const bytes = result.metafile?.outputs[t.out]?.bytes ?? 0;
      console.log(`bundle: ${relative(root, join(root, t.out))}  ${(bytes / 1024).toFixed(0)} KiB`);
    } catch {
      // esbuild has already printed the errors.
      failed = true;
      console.error(`bundle: ${t.out} FAILED`);
    }
  }
  if (failed) process.exitCode = 1;
}
