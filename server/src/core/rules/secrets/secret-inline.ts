/**
 * The secret-inline rule: literal credentials pasted into any file (inventories, ISMS documents, their
 * code blocks). Pure and linear: a handful of global regular expressions over the whole text, each
 * anchored on a literal or a short keyword, with bounded quantifiers so no input can make them
 * backtrack for long. Values are judged by small checks (placeholders, references to a secret store,
 * file paths, identifiers, Shannon entropy) and never leave this module unmasked.
 */
import type { Reporter } from '../../report';
import type { Fix } from '../../types';
import { defineRule } from '../meta';
import type { RuleUnit } from '../rule';

export const secretInline = defineRule({
  id: 'secret-inline',
  description:
    'A literal credential anywhere in the file, code blocks included: AWS keys, GitHub, GitLab, Slack, Stripe and Google tokens, JWTs, private key blocks, Azure account keys, passwords in URLs, random-looking values of keys such as `password` or `client_secret`. The value is masked in the message (OWASP NHI2).',
  defaultSeverity: 'error',
  scope: 'both',
  fixable: true,
  owasp: ['NHI2'],
  controls: ['CSF:PR.DS-01', 'ISO27001:A.5.17', 'ISO27001:A.8.24'],
});

export interface SecretMatch {
  /** Offset of the first character of the secret value in the scanned text. */
  start: number;
  /** Offset just past the secret value. */
  end: number;
  /** What was found, for people: 'AWS access key ID', 'GitHub token', 'RSA private key', 'secret value'. */
  kind: string;
  /** The value masked: at most its first 4 characters, an ellipsis and its length, e.g. `AKIA… (20 chars)`. */
  masked: string;
  /** For key/value assignments, the key the value was assigned to (e.g. `db_password`). */
  key?: string;
}

/** What a fix puts in place of the secret. Recognised as a placeholder, so the fixed text lints clean. */
export const SECRET_PLACEHOLDER = '<stored in secret store>';

/** Longest value looked at for key/value assignments and URL passwords; longer runs are skipped. */
const MAX_VALUE = 1024;
/** Shannon entropy (bits per character) and length from which a value of a secret-looking key is a secret. */
const MIN_ENTROPY = 3.5;
const MIN_LENGTH = 16;
/** How far after a BEGIN line the END line of a private key is looked for. */
const MAX_PEM = 64 * 1024;

// ---------------------------------------------------------------------------------------------------------
// Patterns

/** Provider tokens with a recognisable prefix, in one pass. Classified by `tokenKind`. */
const TOKEN_RE = new RegExp(
  [
    '\\b(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Za-z0-9])',
    '\\bgh[pousr]_[A-Za-z0-9]{36,251}(?![A-Za-z0-9_])',
    '\\bgithub_pat_[A-Za-z0-9_]{22,244}(?![A-Za-z0-9_])',
    '\\bglpat-[A-Za-z0-9_-]{20,100}(?![A-Za-z0-9_-])',
    '\\bxox[abprs]-[A-Za-z0-9-]{10,250}(?![A-Za-z0-9-])',
    '\\b[sr]k_live_[A-Za-z0-9]{16,247}(?![A-Za-z0-9])',
    '\\bAIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])',
    '\\beyJ[A-Za-z0-9_-]{8,4096}\\.eyJ[A-Za-z0-9_-]{8,8192}\\.[A-Za-z0-9_-]{8,1024}(?![A-Za-z0-9_-])',
  ].join('|'),
  'g',
);

/** `-----BEGIN RSA PRIVATE KEY-----`, `-----BEGIN PGP PRIVATE KEY BLOCK-----`, `-----BEGIN PRIVATE KEY-----`. */
const PEM_RE = /-----BEGIN ((?:[A-Z0-9]{1,20} ){0,3})PRIVATE KEY(?: BLOCK)?-----/g;

/** Azure storage connection strings. */
const AZURE_RE = /AccountKey=([A-Za-z0-9+/]{40,200}={0,2})/g;

/** scheme://user:password@host; the scheme is checked by looking back from `://`. */
const URL_RE = /:\/\/([^\s:/@'"`<>()[\]{}]{1,256}):([^\s/@'"`<>()[\]{}]{1,256})@(?=[A-Za-z0-9[])/g;

/**
 * A secret-looking key (the keyword, then the rest of the identifier) and its separator. The identifier's
 * prefix (`db_` in `db_password`) is found by looking back; the value is read by hand after the match.
 */
const KEY_RE =
  /(?:password|passwd|secret|token|api[_-]?key|private[_-]?key|access[_-]?key)([A-Za-z0-9_.-]{0,64})["']?(?:[ \t]{0,8}(?::=|=>|:|=)|[ \t]{1,8}(?=[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])))[ \t]{0,8}/gi;

// ---------------------------------------------------------------------------------------------------------
// Value checks

/** Words and shapes that mark a value as a placeholder or documentation, never a live secret. */
const PLACEHOLDER_RE =
  /example|changeme|change[_-]me|redacted|placeholder|dummy|your[_-]|x{4}|\*{3}|\.{3}|…|<[^>]*>|^<|\$\{|\{\{|\$\(|%\(|#\{|^\$[A-Za-z_][A-Za-z0-9_]*$|^%[A-Za-z_][A-Za-z0-9_]*%$|^(?:true|false|null|none|nil|undefined)$/i;

/** References to a secret store or to the environment, instead of a value. */
const REFERENCE_RE =
  /^(?:vault:|vault\/|op:\/\/|sm:\/\/|gcp-?sm:|awssm:|ssm:|env:|file:|k8s:|secret:|keyvault:|akv:|aws-sm:)|arn:aws[a-z-]*:(?:secretsmanager|ssm|kms):|secretref|secretkeyref|@microsoft\.keyvault|vault\.azure\.net|projects\/[^/]+\/secrets\/|^enc\[|^!vault|^(?:secrets|vars|env)\.|process\.env|os\.environ|getenv|^sha(?:1|256|384|512)[:-]|^https?:\/\//i;

/** File paths: absolute, relative, home, or segments ending in a file extension. */
const PATH_RE = /^(?:\/|\.\.?\/|~\/|[A-Za-z]:\\)|^[\w.-]+(?:\/[\w.-]+)+\.[A-Za-z]{1,5}$|^[\w-]+\.(?:pem|key|crt|cer|p12|pfx|jks|json|ya?ml|txt|env)$/;

/** Identifiers that name a secret rather than hold one: SCREAMING_SNAKE, lower-case slugs, camelCase words. */
const IDENTIFIER_RE = /^(?:[A-Z]+[0-9]*(?:_[A-Z]+[0-9]*)+|[a-z]+[0-9]*(?:[-_.][a-z]+[0-9]*)+|[a-z]+(?:[A-Z][a-z]+)+[0-9]*)$/;

/** Code, not a value: calls and member access (`fs.readFileSync(...)`, `jsTokens.matchToToken`). */
const CODE_RE = /\(|^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+$/;

/** Keys that hold something about a secret (where it is, what it is called) rather than the secret itself. */
const META_KEY_RE =
  /(?:[_.-]?(?:id|name|names|ref|path|file|url|uri|endpoint|store|arn|env|var|type|ttl|expiry|expires|expiration|hash|digest|checksum|fingerprint|policy|length|rotation|count|enabled|required|header|field|prefix|format|scope|scopes)|Id|Name|Ref|Path|File|Url|Uri|Store|Arn|Type|Hash|Policy)$/;

/** Common words that stand in for a password in URLs of documentation (`postgres://user:password@db`). */
const URL_PASSWORD_WORDS = new Set([
  'password', 'passwd', 'pass', 'pwd', 'secret', 'token', 'changeme', 'xxx', 'user', 'username', 'admin',
  'test', 'pw', 'p', 'apikey', 'api_key', 'key', 'foo', 'bar', 'mypassword', 'yourpassword', 'pat',
]);

const asciiCounts = new Uint16Array(128);

/** Shannon entropy of `s` in bits per character (UTF-16 code units, the first MAX_VALUE of them). */
export function shannonEntropy(s: string): number {
  const n = Math.min(s.length, MAX_VALUE);
  if (n === 0) return 0;
  let ascii = true;
  for (let i = 0; i < n && ascii; i++) ascii = s.charCodeAt(i) < 128;
  let h = 0;
  if (ascii) {
    for (let i = 0; i < n; i++) asciiCounts[s.charCodeAt(i)]++;
    for (let i = 0; i < n; i++) {
      const k = asciiCounts[s.charCodeAt(i)];
      if (k === 0) continue; // already counted
      const p = k / n;
      h -= p * Math.log2(p);
      asciiCounts[s.charCodeAt(i)] = 0;
    }
    return h;
  }
  const counts = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  for (const k of counts.values()) {
    const p = k / n;
    h -= p * Math.log2(p);
  }
  return h;
}

function isPlaceholder(v: string): boolean {
  if (PLACEHOLDER_RE.test(v) || REFERENCE_RE.test(v)) return true;
  // One character repeated (0000..., ----...).
  let same = true;
  for (let i = 1; i < v.length && same; i++) same = v.charCodeAt(i) === v.charCodeAt(0);
  return same;
}

/** A value of a secret-looking key that is a literal secret. */
function isSecretValue(v: string): boolean {
  if (v.length < MIN_LENGTH || v.length > MAX_VALUE) return false;
  // Printable ASCII only: prose in other scripts, and spaces, are not generated secrets.
  if (!/^[\x21-\x7e]+$/.test(v) || CODE_RE.test(v)) return false;
  if (isPlaceholder(v) || PATH_RE.test(v) || IDENTIFIER_RE.test(v)) return false;
  return shannonEntropy(v) >= MIN_ENTROPY;
}

/** Masks a secret: at most its first 4 characters (fewer for short ones), an ellipsis and its length. */
export function maskSecret(v: string): string {
  const show = v.length >= 16 ? 4 : v.length >= 8 ? 2 : 0;
  const head = v.slice(0, show).replace(/[^\x21-\x7e]|`/g, '?');
  return `${head}… (${v.length} chars)`;
}

// ---------------------------------------------------------------------------------------------------------
// Detectors

function tokenKind(v: string): { kind: string; body: string } {
  if (v.startsWith('AKIA')) return { kind: 'AWS access key ID', body: v.slice(4) };
  if (v.startsWith('ASIA')) return { kind: 'AWS temporary access key ID', body: v.slice(4) };
  if (v.startsWith('github_pat_')) return { kind: 'GitHub fine-grained token', body: v.slice(11) };
  if (v.startsWith('gh')) return { kind: 'GitHub token', body: v.slice(4) };
  if (v.startsWith('glpat-')) return { kind: 'GitLab token', body: v.slice(6) };
  if (v.startsWith('xox')) return { kind: 'Slack token', body: v.slice(5) };
  if (v.startsWith('sk_live_')) return { kind: 'Stripe secret key', body: v.slice(8) };
  if (v.startsWith('rk_live_')) return { kind: 'Stripe restricted key', body: v.slice(8) };
  if (v.startsWith('AIza')) return { kind: 'Google API key', body: v.slice(4) };
  return { kind: 'JSON Web Token', body: v.slice(v.lastIndexOf('.') + 1) };
}

function findTokens(text: string, out: SecretMatch[]): void {
  TOKEN_RE.lastIndex = 0;
  for (let m = TOKEN_RE.exec(text); m; m = TOKEN_RE.exec(text)) {
    const v = m[0];
    const { kind, body } = tokenKind(v);
    if (isPlaceholder(v) || isPlaceholder(body)) continue;
    // Real keys are random; a body like ABCDEFGH12345678 repeated or 0000... is documentation.
    if (body.length >= 16 && shannonEntropy(body) < 3) continue;
    out.push(match(m.index, m.index + v.length, kind, v));
  }
}

/** A line of a PEM body, possibly indented, quoted (`>`) or in a string (`"`): base64, or a `Proc-Type:` header. */
const PEM_LINE = /^[ \t>"]*(?:[A-Za-z0-9+/=]{8,}|[A-Za-z-]+: [^\n]*)[ \t"\r]*$/;
const PEM_BODY_OK = /^[A-Za-z0-9+/=\s:,\-\\"]*$/; // base64, headers (Proc-Type: ...), escaped \n in JSON

function findPrivateKeys(text: string, out: SecretMatch[]): void {
  PEM_RE.lastIndex = 0;
  // The next END line, searched once per position so that many BEGIN lines without END stay linear.
  let endAt = -2;
  for (let m = PEM_RE.exec(text); m; m = PEM_RE.exec(text)) {
    const start = m.index;
    const bodyStart = start + m[0].length;
    const limit = Math.min(text.length, bodyStart + MAX_PEM);
    if (endAt !== -1 && endAt < bodyStart) endAt = text.indexOf('-----END ', bodyStart);
    let end: number;
    let body: string;
    if (endAt >= 0 && endAt < limit) {
      const close = text.indexOf('-----', endAt + 9);
      end = close >= 0 && close - endAt < 80 ? close + 5 : endAt + 9;
      body = text.slice(bodyStart, endAt);
    } else {
      // No END line: the key runs over the following lines that look like base64 or PEM headers.
      end = bodyStart;
      let at = text.indexOf('\n', bodyStart);
      while (at >= 0 && at < limit) {
        const next = text.indexOf('\n', at + 1);
        const lineEnd = next < 0 ? text.length : next;
        if (lineEnd - at > 256 || !PEM_LINE.test(text.slice(at + 1, lineEnd))) break;
        end = lineEnd;
        at = next;
      }
      body = text.slice(bodyStart, end);
    }
    PEM_RE.lastIndex = Math.max(PEM_RE.lastIndex, end);
    // Documentation shows `-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----`: no key there.
    let b64 = 0;
    for (let i = 0; i < body.length; i++) {
      const c = body.charCodeAt(i);
      if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 43 || c === 47) b64++;
    }
    const stripped = body.replace(/>/g, ''); // quoted in Markdown block quotes
    if (b64 < 64 || !PEM_BODY_OK.test(stripped) || /example|redacted|x{4}/i.test(body)) continue;
    const label = m[1].trim();
    out.push(match(start, end, label ? `${label} private key` : 'private key', text.slice(start, end)));
  }
}

function findAzure(text: string, out: SecretMatch[]): void {
  AZURE_RE.lastIndex = 0;
  for (let m = AZURE_RE.exec(text); m; m = AZURE_RE.exec(text)) {
    const v = m[1];
    if (isPlaceholder(v) || shannonEntropy(v) < MIN_ENTROPY) continue;
    const start = m.index + m[0].length - v.length;
    out.push(match(start, start + v.length, 'Azure storage account key', v));
  }
}

function findUrlCredentials(text: string, out: SecretMatch[]): void {
  URL_RE.lastIndex = 0;
  for (let m = URL_RE.exec(text); m; m = URL_RE.exec(text)) {
    // The scheme: letters (and + . -) right before `://`.
    let s = m.index;
    while (s > 0 && m.index - s < 32 && /[A-Za-z0-9+.-]/.test(text[s - 1])) s--; // rare: only at `://`
    if (s === m.index || !/[A-Za-z]/.test(text[s])) continue;
    const password = m[2];
    const start = m.index + 3 + m[1].length + 1;
    if (isPlaceholder(password) || URL_PASSWORD_WORDS.has(password.toLowerCase())) continue;
    // Documentation writes `https://abc:xyz@host`; a port number is not a password either.
    if (password.length < 6 || /^\d+$/.test(password)) continue;
    out.push(match(start, start + password.length, 'password in a URL', password));
  }
}

/** A character of a key: letters, digits, `_`, `.`, `-`. */
function isKeyChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 46 || c === 45;
}

/** A character that ends an unquoted value: whitespace, quotes, `,` `;` `)` `]` `}`. */
function endsValue(c: number): boolean {
  return c <= 32 || c === 34 || c === 39 || c === 96 || c === 44 || c === 59 || c === 41 || c === 93 || c === 125;
}

function findAssignments(text: string, out: SecretMatch[]): void {
  KEY_RE.lastIndex = 0;
  for (let m = KEY_RE.exec(text); m; m = KEY_RE.exec(text)) {
    // The whole key: look back over key characters for the prefix (`db_` of `db_password`).
    let ks = m.index;
    while (ks > 0 && m.index - ks < 64 && isKeyChar(text.charCodeAt(ks - 1))) ks--;
    let keyEnd = m.index;
    while (keyEnd < text.length && isKeyChar(text.charCodeAt(keyEnd))) keyEnd++;
    const key = text.slice(ks, keyEnd);
    const vs = m.index + m[0].length;
    const q = text.charCodeAt(vs);
    let start: number;
    let end: number;
    if (q === 34 || q === 39) {
      start = vs + 1;
      end = start;
      while (end < text.length && end - start <= MAX_VALUE && text.charCodeAt(end) !== q && text.charCodeAt(end) !== 10) end++;
      if (text.charCodeAt(end) !== q) continue;
    } else {
      start = vs;
      end = start;
      while (end < text.length && end - start <= MAX_VALUE && !endsValue(text.charCodeAt(end))) end++;
    }
    // Keywords inside the value (`arn:aws:secretsmanager:...:secret:x`) are not keys.
    KEY_RE.lastIndex = Math.max(KEY_RE.lastIndex, end);
    if (end - start > MAX_VALUE || end - start < MIN_LENGTH) continue;
    // `secretRef:`, `token_url:`, `password_policy:`: about a secret, not one.
    if (META_KEY_RE.test(key) && !/secret[_-]?id$/i.test(key)) continue;
    const v = text.slice(start, end);
    if (/^(?:aws_?)?secret_?access_?key$/i.test(key) && /^[A-Za-z0-9/+]{40}$/.test(v)) {
      if (!isPlaceholder(v) && shannonEntropy(v) >= 3) out.push(match(start, end, 'AWS secret access key', v, key));
      continue;
    }
    if (isSecretValue(v)) out.push(match(start, end, 'secret value', v, key));
  }
}

function match(start: number, end: number, kind: string, value: string, key?: string): SecretMatch {
  return { start, end, kind, masked: maskSecret(value), ...(key ? { key: key.slice(0, 64) } : {}) };
}

/**
 * Literal secrets in `text`, in order of position, without overlaps (a provider token assigned to a
 * secret-looking key is reported once, as the token). Never throws.
 */
export function findSecrets(text: string): SecretMatch[] {
  if (typeof text !== 'string' || text.length === 0) return [];
  // On overlap the earlier finding wins, and at the same offset the more specific detector (listed first).
  const detectors = [findPrivateKeys, findTokens, findAzure, findUrlCredentials, findAssignments];
  const groups: SecretMatch[][] = detectors.map(() => []);
  detectors.forEach((detect, i) => {
    try {
      detect(text, groups[i]);
    } catch {
      // Regular expressions and slicing do not throw on strings; this keeps the core's invariant regardless.
    }
  });
  const all: { s: SecretMatch; p: number }[] = [];
  groups.forEach((g, p) => g.forEach((s) => all.push({ s, p })));
  all.sort((a, b) => a.s.start - b.s.start || a.p - b.p);
  const kept: SecretMatch[] = [];
  let lastEnd = -1;
  for (const { s } of all) {
    if (s.start < lastEnd) continue;
    kept.push(s);
    lastEnd = s.end;
  }
  return kept;
}

/** The message of a finding. Names the masked value, never the value. */
export function secretMessage(s: SecretMatch): string {
  const i = s.masked.indexOf('…');
  const head = s.masked.slice(0, i + 1);
  const tail = s.masked.slice(i + 1).trim();
  const what = s.key && s.kind === 'secret value' ? `${s.kind} of \`${s.key}\`` : s.kind;
  return (
    `Literal ${what} \`${head}\` ${tail} in the file: NHI2:2025 Secret Leakage. ` +
    'Move it to a secret store and rotate it; CSF PR.DS-01, ISO 27001 A.5.17.'
  );
}

/**
 * Reports every literal secret of `text` (a document, or a part of it starting at offset `base`).
 * The fix replaces the value with a placeholder; it is never preferred nor safe, because the secret must
 * also be rotated and the value stored somewhere first.
 */
export function reportSecrets(text: string, base: number, r: Reporter): void {
  for (const s of findSecrets(text)) {
    const fix: Fix = {
      title: `Replace the ${s.kind} with ${SECRET_PLACEHOLDER} (store and rotate it first)`,
      edits: [r.edit(base + s.start, base + s.end, SECRET_PLACEHOLDER)],
      isPreferred: false,
      safe: false,
    };
    r.add(secretInline.id, base + s.start, base + s.end, secretMessage(s), [fix], {
      kind: s.kind,
      masked: s.masked,
      ...(s.key ? { key: s.key } : {}),
    });
  }
}

export const secrets: RuleUnit = {
  meta: [secretInline],
  text(c) {
    reportSecrets(c.text, c.base, c.r);
  },
};

/**
 * `text` with every literal secret in it masked (`ghp_…`): for messages and other text that quote a value (an
 * invalid enum value, an identity id, an owner), so that no output shows a secret that the file holds.
 */
export function maskSecretsIn(text: string): string {
  const found = findSecrets(text);
  if (!found.length) return text;
  let out = '';
  let at = 0;
  for (const s of found) {
    out += text.slice(at, s.start) + s.masked;
    at = s.end;
  }
  return out + text.slice(at);
}
