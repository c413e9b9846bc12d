#!/usr/bin/env node
// Terraform discovery: parse (web-tree-sitter, node/hcl.ts) + read (core/discovery/terraform.ts).
//
//   npm run build && node bench/terraform.mjs [--files 2000] [--keystrokes 500]
//
// 1. 2,000 generated .tf files (20-120 lines each, a mix of identity and other resources): total,
//    per-file p50/p95 (parse + read, and parse alone), RSS after.
// 2. A keystroke in a 300-line .tf: one character inserted at a random place (then the next keystroke
//    from there), re-parsed in full and incrementally (Tree.edit + the old tree), then read; p50/p95.
// Figures only; nothing is asserted. Run on a quiet machine and compare within one run.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { loadHcl, parseTree } = require(join(root, 'server/out/node/hcl.js'));
const { readTerraform } = require(join(root, 'server/out/core/discovery/terraform.js'));

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const FILES = arg('files', 2000);
const KEYSTROKES = arg('keystrokes', 500);

let seed = 20261123;
const rand = () => {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const pick = (a) => a[Math.floor(rand() * a.length)];

const BLOCKS = [
  (n) => `resource "aws_iam_user" "${n}" {\n  name = "${n}"\n  path = "/system/"\n  tags = { team = "platform", env = var.env }\n}\n`,
  (n) => `resource "aws_iam_access_key" "${n}" {\n  user = aws_iam_user.${n}.name\n}\n`,
  (n) =>
    `resource "aws_iam_role" "${n}" {\n  name = "${n}"\n  assume_role_policy = jsonencode({\n    Version = "2012-10-17"\n    Statement = [{\n      Action    = "sts:AssumeRole"\n      Effect    = "Allow"\n      Principal = { Service = "lambda.amazonaws.com" }\n    }]\n  })\n}\n`,
  (n) => `resource "aws_iam_role_policy_attachment" "${n}" {\n  role       = aws_iam_role.${n}.name\n  policy_arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"\n}\n`,
  (n) => `resource "google_service_account" "${n}" {\n  account_id   = "${n.replace(/_/g, '-')}"\n  display_name = "${n}"\n}\n`,
  (n) => `resource "google_project_iam_member" "${n}" {\n  project = var.project\n  role    = "roles/viewer"\n  member  = "serviceAccount:\${google_service_account.${n}.email}"\n}\n`,
  (n) => `resource "azuread_application" "${n}" {\n  display_name = "${n}"\n}\n`,
  (n) => `resource "github_actions_secret" "${n}" {\n  repository      = "web"\n  secret_name     = "${n.toUpperCase()}"\n  plaintext_value = var.${n}\n}\n`,
  (n) =>
    `resource "aws_s3_bucket" "${n}" {\n  bucket = "\${var.prefix}-${n}"\n  tags = {\n    Name        = "${n}"\n    Environment = var.env\n  }\n}\n`,
  (n) =>
    `resource "aws_instance" "${n}" {\n  ami           = data.aws_ami.ubuntu.id\n  instance_type = "t3.micro"\n  subnet_id     = element(var.subnets, ${Math.floor(rand() * 3)})\n  root_block_device {\n    volume_size = 20\n  }\n}\n`,
  (n) => `variable "${n}" {\n  type    = string\n  default = "${n}"\n}\n`,
];

function generate(lines) {
  let out = '# generated for bench/terraform.mjs\n';
  let i = 0;
  while (out.split('\n').length < lines) out += '\n' + pick(BLOCKS)(`r${i++}_${Math.floor(rand() * 1e6)}`);
  return out;
}

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const ms = (x) => `${x.toFixed(3)} ms`;
const mb = (x) => `${(x / 1024 / 1024).toFixed(0)} MB`;

const t0 = performance.now();
const parse = await loadHcl();
if (!parse) throw new Error('parser not loaded');
console.log(`load (runtime + grammar): ${ms(performance.now() - t0)}`);

// 1. Many files
const texts = Array.from({ length: FILES }, () => generate(20 + Math.floor(rand() * 100)));
const totalLines = texts.reduce((n, t) => n + t.split('\n').length, 0);
const both = [];
const parseOnly = [];
let identities = 0;
// warm-up
for (const t of texts.slice(0, 50)) readTerraform(t, parse(t));
const rss0 = process.memoryUsage().rss;
const start = performance.now();
for (const t of texts) {
  const a = performance.now();
  const root = parse(t);
  const b = performance.now();
  identities += readTerraform(t, root).identities.length;
  const c = performance.now();
  parseOnly.push(b - a);
  both.push(c - a);
}
const total = performance.now() - start;
console.log(`\n${FILES} files, ${totalLines} lines, ${identities} identities`);
console.log(`  total parse+read: ${ms(total)}`);
console.log(`  per file parse+read: p50 ${ms(pct(both, 50))}, p95 ${ms(pct(both, 95))}, max ${ms(Math.max(...both))}`);
console.log(`  per file parse only: p50 ${ms(pct(parseOnly, 50))}, p95 ${ms(pct(parseOnly, 95))}`);
console.log(`  RSS before ${mb(rss0)}, after ${mb(process.memoryUsage().rss)}`);

// 2. Keystrokes in a 300-line file
let text = generate(300);
const lines300 = text.split('\n').length;
const point = (s, o) => {
  let row = 0;
  let col = 0;
  for (let i = 0; i < o; i++) {
    if (s.charCodeAt(i) === 10) {
      row++;
      col = 0;
    } else col++;
  }
  return { row, column: col };
};
const full = [];
const incremental = [];
const readOnly = [];
// Each keystroke is one character typed after the previous one, at a place picked at random every 20
// keystrokes (a word typed there); every 20th keystroke restores the original text (the user fixed it),
// so that errors do not pile up as random edits all over the file would.
const original = text;
let at = 0;
let tree = parseTree(text);
for (let k = 0; k < KEYSTROKES; k++) {
  let next;
  if (k % 20 === 19) {
    next = original;
  } else {
    if (k % 20 === 0) at = Math.floor(rand() * text.length);
    else at++;
    next = text.slice(0, at) + pick(['a', 'x', '_', '1']) + text.slice(at);
  }
  const p = point(text, at);
  // full
  let a = performance.now();
  const f = parseTree(next);
  full.push(performance.now() - a);
  f.delete();
  // incremental
  a = performance.now();
  if (next === original) {
    // the whole typed word removed: an edit from its start over its length
    const from = at - (k % 20) + 1;
    const len = text.length - original.length;
    const q = point(text, from);
    const e = point(text, from + len);
    tree.edit({ startIndex: from, oldEndIndex: from + len, newEndIndex: from, startPosition: q, oldEndPosition: e, newEndPosition: q });
  } else tree.edit({ startIndex: at, oldEndIndex: at, newEndIndex: at + 1, startPosition: p, oldEndPosition: p, newEndPosition: { row: p.row, column: p.column + 1 } });
  const t2 = parseTree(next, tree);
  incremental.push(performance.now() - a);
  tree.delete();
  tree = t2;
  a = performance.now();
  readTerraform(next, tree.rootNode);
  readOnly.push(performance.now() - a);
  text = next;
}
tree.delete();
console.log(`\nkeystroke in a ${lines300}-line .tf (${KEYSTROKES} keystrokes: words of 19 characters typed at random places, each then removed)`);
console.log(`  full re-parse:        p50 ${ms(pct(full, 50))}, p95 ${ms(pct(full, 95))}`);
console.log(`  incremental re-parse: p50 ${ms(pct(incremental, 50))}, p95 ${ms(pct(incremental, 95))}`);
console.log(`  read (readTerraform): p50 ${ms(pct(readOnly, 50))}, p95 ${ms(pct(readOnly, 95))}`);
console.log(`  full parse + read:    p95 ≈ ${ms(pct(full, 95) + pct(readOnly, 95))}`);
console.log(`\nRSS at the end: ${mb(process.memoryUsage().rss)}`);
