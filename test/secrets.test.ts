/**
 * secret-inline (server/src/core/rules/secrets.ts): one true positive per kind, the false positives it
 * must leave alone, masking, and robustness on large random input. Fake secrets are assembled at run
 * time from a seeded generator, so this file holds nothing a secret scanner would flag.
 */
import * as assert from 'node:assert/strict';
import { server } from './helpers/root';
import { prng as rng } from './helpers/prng';

const { findSecrets, reportSecrets, secretInline, maskSecret, shannonEntropy, SECRET_PLACEHOLDER } = server('core/rules/secrets/secret-inline.js');
const { LineIndex } = server('core/text.js');
const { Reporter } = server('core/report.js');

interface SecretMatch {
  start: number;
  end: number;
  kind: string;
  masked: string;
  key?: string;
}


const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const DIGITS = '0123456789';
const B62 = UPPER + LOWER + DIGITS;
const B64 = B62 + '+/';
const B64URL = B62 + '-_';
const next = rng(20261123);

function rand(alphabet: string, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet[Math.floor(next() * alphabet.length)];
  return s;
}

const fake = {
  awsId: 'AK' + 'IA' + rand(UPPER + DIGITS, 16),
  awsTempId: 'AS' + 'IA' + rand(UPPER + DIGITS, 16),
  awsSecret: rand(B64, 40),
  ghp: 'gh' + 'p_' + rand(B62, 36),
  ghs: 'gh' + 's_' + rand(B62, 36),
  ghPat: 'github' + '_pat_' + rand(B62 + '_', 82),
  glpat: 'gl' + 'pat-' + rand(B62, 20),
  slack: 'xo' + 'xb-' + rand(DIGITS, 12) + '-' + rand(DIGITS, 13) + '-' + rand(B62, 24),
  stripe: 's' + 'k_live_' + rand(B62, 24),
  stripeRk: 'r' + 'k_live_' + rand(B62, 24),
  google: 'AI' + 'za' + rand(B64URL, 35),
  jwt: 'ey' + 'J' + rand(B64URL, 30) + '.ey' + 'J' + rand(B64URL, 60) + '.' + rand(B64URL, 43),
  azure: rand(B64, 86) + '==',
  generic: rand(B62 + '!@#%^&*', 28),
  hex: rand('0123456789abcdef', 40),
  urlPassword: rand(B62, 18),
  pemBody: Array.from({ length: 6 }, () => rand(B64, 64)).join('\n'),
};

const BEGIN = '-----BEGIN ';
const pem = (label: string, body = fake.pemBody) => `${BEGIN}${label}PRIVATE KEY-----\n${body}\n-----END ${label}PRIVATE KEY-----`;

function one(text: string): SecretMatch {
  const found: SecretMatch[] = findSecrets(text);
  assert.equal(found.length, 1, `expected one secret in ${JSON.stringify(text.slice(0, 80))}, got ${JSON.stringify(found)}`);
  return found[0];
}

function flagged(text: string, secret: string, kind: RegExp) {
  const s = one(text);
  assert.equal(text.slice(s.start, s.end), secret);
  assert.match(s.kind, kind);
  return s;
}

describe('secret-inline: rule metadata', () => {
  it('is an error for both file kinds, mapped to NHI2 and its controls', () => {
    assert.equal(secretInline.id, 'secret-inline');
    assert.equal(secretInline.defaultSeverity, 'error');
    assert.equal(secretInline.scope, 'both');
    assert.deepEqual(secretInline.owasp, ['NHI2']);
    assert.ok(secretInline.controls.includes('CSF:PR.DS-01'));
    assert.ok(secretInline.controls.includes('ISO27001:A.5.17'));
  });
});

describe('secret-inline: true positives', () => {
  it('AWS access key ID', () => flagged(`aws_access_key_id: ${fake.awsId}\n`, fake.awsId, /^AWS access key ID$/));
  it('AWS temporary access key ID', () => flagged(`key ${fake.awsTempId} here`, fake.awsTempId, /AWS temporary/));
  it('AWS secret access key next to aws_secret_access_key', () => {
    flagged(`aws_secret_access_key = ${fake.awsSecret}\n`, fake.awsSecret, /^AWS secret access key$/);
    flagged(`AWS_SECRET_ACCESS_KEY="${fake.awsSecret}"`, fake.awsSecret, /^AWS secret access key$/);
  });
  it('GitHub tokens', () => {
    flagged(`token: ${fake.ghp}`, fake.ghp, /^GitHub token$/);
    flagged(`curl -H "Authorization: Bearer ${fake.ghs}" api`, fake.ghs, /^GitHub token$/);
    flagged(`GH_TOKEN=${fake.ghPat}`, fake.ghPat, /^GitHub fine-grained token$/);
  });
  it('GitLab token', () => flagged(`Use ${fake.glpat} to clone.`, fake.glpat, /^GitLab token$/));
  it('Slack token', () => flagged(`  slack: ${fake.slack}`, fake.slack, /^Slack token$/));
  it('Stripe keys', () => {
    flagged(`stripe ${fake.stripe}`, fake.stripe, /^Stripe secret key$/);
    flagged(`stripe ${fake.stripeRk}`, fake.stripeRk, /^Stripe restricted key$/);
  });
  it('Google API key', () => flagged(`maps_key: "${fake.google}"`, fake.google, /^Google API key$/));
  it('JSON Web Token', () => flagged(`Authorization: Bearer ${fake.jwt}`, fake.jwt, /^JSON Web Token$/));
  it('private keys, with or without an END line, in YAML block scalars and JSON strings', () => {
    const rsa = pem('RSA ');
    flagged(`Key:\n\n\`\`\`\n${rsa}\n\`\`\`\n`, rsa, /^RSA private key$/);
    flagged(pem(''), pem(''), /^private key$/);
    const openssh = pem('OPENSSH ').replace(/\n/g, '\n    ');
    flagged(`    private_key: |\n    ${openssh}\n`, openssh, /^OPENSSH private key$/);
    const json = pem('').replace(/\n/g, '\\n');
    flagged(`{"type": "service_account", "private_key": "${json}\\n"}`, json, /^private key$/);
    const truncated = `${BEGIN}EC PRIVATE KEY-----\n${fake.pemBody}`;
    flagged(`${truncated}\n\nNext paragraph.`, truncated, /^EC private key$/);
  });
  it('Azure storage account key', () => {
    flagged(`DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=${fake.azure};EndpointSuffix=core.windows.net`, fake.azure, /Azure/);
  });
  it('high-entropy values of secret-looking keys: YAML, key=value, JSON', () => {
    let s = flagged(`  db_password: ${fake.generic}\n`, fake.generic, /^secret value$/);
    assert.equal(s.key, 'db_password');
    s = flagged(`CLIENT_SECRET=${fake.hex}`, fake.hex, /^secret value$/);
    assert.equal(s.key, 'CLIENT_SECRET');
    flagged(`{"api_key": "${fake.generic}"}`, fake.generic, /^secret value$/);
    flagged(`apikey = '${fake.hex}'`, fake.hex, /^secret value$/);
    flagged(`webhook_secret_id: ${fake.hex}`, fake.hex, /^secret value$/);
  });
  it('credentials embedded in URLs', () => {
    const s = flagged(`url: postgres://app:${fake.urlPassword}@db.internal:5432/ledger`, fake.urlPassword, /password in a URL/);
    assert.equal(s.masked, maskSecret(fake.urlPassword));
    flagged(`git clone https://deploy:hunter2x@git.example.org/r.git`, 'hunter2x', /password in a URL/);
  });
  it('several secrets in one text, in order and without overlap', () => {
    const text = `token: ${fake.ghp}\naws_access_key_id: ${fake.awsId}\n${pem('RSA ')}\n`;
    const found: SecretMatch[] = findSecrets(text);
    assert.deepEqual(found.map((s) => s.kind), ['GitHub token', 'AWS access key ID', 'RSA private key']);
  });
});

describe('secret-inline: not flagged', () => {
  const clean: [string, string][] = [
    ['AWS documentation key ID', 'aws_access_key_id: AKIA' + 'IOSFODNN7' + 'EXAMPLE'],
    ['AWS documentation secret', 'aws_secret_access_key: wJalrXUtnFEMI/K7MDENG/bPxRfiCY' + 'EXAMPLE' + 'KEY'],
    ['angle placeholder', 'password: <your-password-here>'],
    ['env interpolation', 'api_key: ${PAYMENTS_API_KEY}'],
    ['env var', 'TOKEN=$GITHUB_TOKEN'],
    ['template', 'client_secret: "{{ .Values.clientSecret }}"'],
    ['GitHub Actions', 'token: ${{ secrets.GITHUB_TOKEN }}'],
    ['changeme', 'password: changeme-changeme-123'],
    ['xxxx', 'token: ghp_' + 'x'.repeat(36)],
    ['stars', 'secret: ****************'],
    ['REDACTED', 'api_key: REDACTED-' + fake.hex],
    ['Vault reference', 'db_password: vault:secret/data/payments#password'],
    ['Secrets Manager ARN', 'secret: arn:aws:secretsmanager:eu-west-1:123456789012:secret:payments-AbCdEf'],
    ['1Password reference', 'api_key: op://Platform/payments/credential'],
    ['secretRef', 'secretRef: payments-db-credentials-7f9a2c'],
    ['secretKeyRef', 'valueFrom: { secretKeyRef: { name: payments-db, key: password } }'],
    ['sops', 'password: ENC[AES256_GCM,data:' + fake.generic + ',type:str]'],
    ['file path', 'private_key: /etc/ssl/private/payments-batch.pem'],
    ['relative path', 'token_file: ./secrets/ci-token.txt'],
    ['key name as value', 'secret_name: PAYMENTS_DB_PASSWORD_PRODUCTION'],
    ['slug value', 'secret_store: cloud-secrets-manager'],
    ['camelCase value', 'secret: paymentsDatabasePassword'],
    ['inventory store field', 'secret_store: vault\ncredential: static-secret'],
    ['prose', 'The password policy requires 16 characters; every token is rotated, see the secret store runbook.'],
    ['prose with colon', 'Password: must be at least sixteen characters long.'],
    ['short value', 'password: hunter2'],
    ['key alone', 'Set `client_secret` and `api_key` in the vault.'],
    ['PEM placeholder', `${BEGIN}PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----`],
    ['PEM redacted', `${BEGIN}RSA PRIVATE KEY-----\n<redacted>\n-----END RSA PRIVATE KEY-----`],
    ['public key', `${BEGIN}PUBLIC KEY-----\n${fake.pemBody}\n-----END PUBLIC KEY-----`],
    ['URL placeholder password', 'postgres://user:password@db:5432/app and https://${USER}:${PASS}@host'],
    ['URL without password', 'https://git@github.com/org/repo and ssh://git@host:22/x and https://host:8443/path'],
    ['URL port', 'redis://cache:6379@x'],
    ['URL short doc password', "new URL('https://abc:xyz@example.com')"],
    ['token URL', 'token_url: https://auth.example.org/oauth2/token'],
    ['checksum', 'token_sha: sha256:' + fake.hex],
    ['token TTL', 'token_ttl: 3600'],
    ['code', 'const privateKey = fs.readFileSync(keyPath); var matchToToken = jsTokens.matchToToken;'],
    ['non-ASCII text', '"Unexpected_token_expected": "\u4e88\u671f\u3057\u306a\u3044\u30c8\u30fc\u30af\u30f3\u3067\u3059\u3002\u4e88\u671f\u3057\u306a\u3044\u30c8\u30fc\u30af\u30f3"'],
    ['JWT-looking prose', 'eyJ is the start of every JWT.'],
  ];
  for (const [name, text] of clean) {
    it(name, () => assert.deepEqual(findSecrets(text), []));
  }
});

describe('secret-inline: masking and messages', () => {
  const all = [fake.awsId, fake.ghp, fake.glpat, fake.slack, fake.stripe, fake.google, fake.jwt, fake.generic, fake.hex];
  it('never shows more than the first 4 characters, and fewer for short values', () => {
    for (const v of all) {
      const m: string = maskSecret(v);
      assert.equal(m, `${v.slice(0, 4)}… (${v.length} chars)`);
    }
    assert.equal(maskSecret('hunter2x'), 'hu… (8 chars)');
    assert.equal(maskSecret('abc'), '… (3 chars)');
  });
  it('measures Shannon entropy in bits per character', () => {
    assert.equal(shannonEntropy(''), 0);
    assert.equal(shannonEntropy('aaaa'), 0);
    assert.equal(shannonEntropy('abcd'), 2);
    assert.equal(shannonEntropy('\u4e88\u671f\u4e88\u671f'), 1);
    assert.ok(shannonEntropy(fake.generic) >= 3.5);
  });
  it('reports with masked messages, data and an unsafe placeholder fix', () => {
    const text = `---\ntype: runbook\n---\n\n\`\`\`sh\nexport GITHUB_TOKEN=${fake.ghp}\naws configure set aws_secret_access_key ${fake.awsSecret}\n\`\`\`\n\nclient_secret: ${fake.generic}\n`;
    const lines = new LineIndex(text);
    const r = new Reporter(lines);
    reportSecrets(text, 0, r);
    assert.equal(r.findings.length, 3);
    const [gh, aws, generic] = r.findings;
    assert.match(aws.message, /^Literal AWS secret access key `/);
    assert.equal(gh.ruleId, 'secret-inline');
    assert.equal(
      gh.message,
      `Literal GitHub token \`${fake.ghp.slice(0, 4)}…\` (40 chars) in the file: NHI2:2025 Secret Leakage. Move it to a secret store and rotate it; CSF PR.DS-01, ISO 27001 A.5.17.`,
    );
    assert.match(generic.message, /^Literal secret value of `client_secret` /);
    for (const f of r.findings) {
      const serialized = JSON.stringify(f);
      for (const v of [fake.ghp, fake.awsSecret, fake.generic]) assert.ok(!serialized.includes(v.slice(0, 6)), `leaks ${v.slice(0, 6)}: ${f.message}`);
      const fix = f.fixes[0];
      assert.equal(fix.safe, false);
      assert.equal(fix.isPreferred, false);
      assert.equal(fix.edits[0].newText, SECRET_PLACEHOLDER);
    }
  });
  it('offsets findings by base, and the fixed text is clean', () => {
    const part = `token: ${fake.ghp}\n`;
    const text = 'prefix\n' + part;
    const r = new Reporter(new LineIndex(text));
    reportSecrets(part, 7, r);
    assert.deepEqual(r.findings[0].range, { start: { line: 1, character: 7 }, end: { line: 1, character: 7 + fake.ghp.length } });
    assert.deepEqual(findSecrets(text.replace(fake.ghp, SECRET_PLACEHOLDER)), []);
  });
});

describe('secret-inline: robustness', () => {
  it('handles 2 MB of random text without throwing', () => {
    const alphabet = B64 + ' \n\t:=-"\'@/<>{}$.\u0000\u00e9\ud83d';
    const big = rand(alphabet, 2 * 1024 * 1024);
    const found: SecretMatch[] = findSecrets(big);
    assert.ok(Array.isArray(found));
    for (const s of found) assert.ok(s.start >= 0 && s.end <= big.length && s.start < s.end);
  });
  it('handles a single huge line and pathological repeats', () => {
    const inputs = [
      'a'.repeat(2_000_000),
      'password: ' + rand(B62, 1_000_000),
      'token='.repeat(200_000),
      '://a:'.repeat(200_000),
      `${BEGIN}RSA PRIVATE KEY-----\n` + (rand(B64, 60) + '\n').repeat(20_000),
      'eyJ' + 'a'.repeat(10_000) + '.eyJ' + 'b'.repeat(10_000),
      `${BEGIN}PRIVATE KEY-----\n`.repeat(100_000),
      `${BEGIN}PRIVATE KEY-----\n${fake.pemBody}\n`.repeat(2_000),
      ('password: ' + rand(B62, 20) + '\n').repeat(50_000),
      '',
    ];
    for (const t of inputs) assert.doesNotThrow(() => findSecrets(t));
    assert.equal(findSecrets(inputs[inputs.length - 2]).length, 50_000);
    assert.equal(findSecrets(inputs[inputs.length - 3]).length, 2_000);
  });
});
