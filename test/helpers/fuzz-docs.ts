/**
 * fast-check generators of ISMS files for the property tests (test/fix-properties.test.ts): process
 * documents (front matter with known, aliased, foreign, misspelt and unknown keys and values of every
 * shape; a body with required and other sections, control references, links, placeholders, comments,
 * code) and NHI inventories (defaults, identities with random known and unknown fields and values), both
 * now and then with a pasted credential and with CRLF line breaks. Fake credentials are assembled from
 * random characters at run time, so this file holds nothing a secret scanner would flag.
 */
import fc from 'fast-check';
import { server } from './root';

const { catalog } = server('core/catalog/catalog.js');
const { FRONT_MATTER_KEYS, DEFAULT_KEY_ALIASES, FOREIGN_KEYS, DOCUMENT_TYPES, DOCUMENT_STATUSES, DEFAULT_REQUIRED_SECTIONS } = server('core/lang/document-schema.js');
const { IDENTITY_FIELDS, DEFAULTABLE_KEYS } = server('core/lang/inventory-schema.js');

export interface GeneratedFile {
  /** A path (under the repository's examples/ folder, so globs and relative links behave as in the examples). */
  uri: string;
  text: string;
}

// ---------------------------------------------------------------------------------------------------------
// Pieces

const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const DIGITS = '0123456789';
const B62 = UPPER + LOWER + DIGITS;

const chars = (alphabet: string, min: number, max: number) =>
  fc.array(fc.constantFrom(...alphabet.split('')), { minLength: min, maxLength: max }).map((xs) => xs.join(''));

/** A credential of a kind secret-inline knows (prefixed tokens, keys of password-like names). */
export const secretArb: fc.Arbitrary<string> = fc.oneof(
  chars(UPPER + DIGITS, 16, 16).map((s) => 'AK' + 'IA' + s),
  chars(B62, 36, 36).map((s) => 'gh' + 'p_' + s),
  chars(B62, 20, 24).map((s) => 'gl' + 'pat-' + s),
  fc.tuple(chars(DIGITS, 12, 12), chars(DIGITS, 13, 13), chars(B62, 24, 24)).map(([a, b, c]) => `xo` + `xb-${a}-${b}-${c}`),
  chars(B62, 24, 24).map((s) => 's' + 'k_live_' + s),
  fc.tuple(chars(B62 + '-_', 20, 30), chars(B62 + '-_', 30, 50), chars(B62 + '-_', 20, 43)).map(([a, b, c]) => `ey` + `J${a}.ey` + `J${b}.${c}`),
);

/** A random high-entropy value, as assigned to a password-like key. */
const randomValueArb = chars(B62 + '!%^*+=', 20, 32);

/** `password: <value>` style lines and inline mentions that carry a credential. */
export const secretSnippetArb: fc.Arbitrary<string> = fc.oneof(
  secretArb,
  fc.tuple(fc.constantFrom('password', 'db_password', 'client_secret', 'api_key', 'token', 'secret'), fc.constantFrom(': ', '=', ' = ', ': "'), randomValueArb).map(
    ([k, sep, v]) => `${k}${sep}${v}${sep.endsWith('"') ? '"' : ''}`,
  ),
  fc.tuple(chars(LOWER, 3, 8), randomValueArb.map((v) => v.replace(/[^A-Za-z0-9]/g, 'x'))).map(([u, p]) => `postgres://${u}:${p}@db.internal:5432/app`),
);

let controlPool: { valid: string[]; legacy: string[] } | undefined;
function controls() {
  if (controlPool) return controlPool;
  const cat = catalog();
  const valid: string[] = [];
  for (const fw of ['csf', 'iso27001', 'iso27002', 'soc2', 'nhi', 'sp800-53']) {
    const all = cat.all(fw);
    for (let i = 0; i < all.length; i += Math.max(1, Math.floor(all.length / 40))) valid.push(cat.ref(all[i]), all[i].id);
  }
  const legacy = [...(cat as any).legacyIndex.values()].slice(0, 200).map((l: any) => l.id);
  return (controlPool = { valid, legacy });
}

/** A control reference: valid (prefixed or bare), legacy, malformed, unknown, out of scope, or junk. */
export const controlRefArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 5, arbitrary: fc.constant(0).chain(() => fc.constantFrom(...controls().valid)) },
  { weight: 2, arbitrary: fc.constant(0).chain(() => fc.constantFrom(...controls().legacy)) },
  {
    weight: 2,
    arbitrary: fc.constantFrom('NHI-2', 'PR.AA-1', 'csf:pr.aa-01', 'A.5.16.', 'ISO27001:A5.16', 'SOC2:CC6.', 'CC6.1.2', 'NHI11', 'A.99.1', 'PR.ZZ-01', 'ISO27001:99.1', 'SP800-53:AC-2(99)', 'GV.OC-99', 'ISO 27001 A.5.17', 'SOC2 CC6.1', 'AC-2'),
  },
  { weight: 1, arbitrary: chars(LOWER + DIGITS + '.-', 1, 10) },
);

const wordArb = fc.constantFrom('access', 'review', 'keys', 'rotate', 'the', 'vault', 'owner', 'team', 'quarterly', 'service', 'identity', 'payments', 'ledger', 'deploy', 'ci');
const sentenceArb = fc.array(fc.oneof({ weight: 6, arbitrary: wordArb }, { weight: 1, arbitrary: controlRefArb }), { minLength: 1, maxLength: 10 }).map((ws) => ws.join(' '));

const dateArb = fc.oneof(
  fc.tuple(fc.integer({ min: 2019, max: 2028 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 28 })).map(
    ([y, m, d]) => `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`,
  ),
  fc.constantFrom('2026-13-01', '2025-02-30', 'yesterday', '01/02/2026', '2026-11-23', '2026-11-24', 'TODO', '', '2026-1-5'),
);
const cadenceArb = fc.constantFrom('P90D', 'P30D', 'P1Y', 'P400D', 'P90DX', 'quarterly', 'annual', 'annually', 'annualy', 'monthly', '6 months', 'every now and then', 'never', '', 'TBD');
const emailArb = fc.tuple(fc.constantFrom('jane.doe', 'security', 'platform-team', 'admin', 'ops', 'team', 'it'), fc.constantFrom('@example.com', '@bank.example', '', '@gmail.com')).map(([a, b]) => a + b);
const ownerArb = fc.oneof(emailArb, fc.constantFrom('TODO', '', '[owner]', '<insert owner>', 'Platform Team', 'nobody'), fc.array(emailArb, { minLength: 1, maxLength: 3 }).map((xs) => `[${xs.join(', ')}]`));

/** A YAML list of values, as a flow list or a block list at `indent`. */
function listOf(values: string[], block: boolean, indent: string): string {
  if (!block) return `[${values.join(', ')}]`;
  return values.length ? '\n' + values.map((v) => `${indent}  - ${v}`).join('\n') : '[]';
}

/** A near miss of a key: one character dropped, doubled or swapped. */
const typoArb = (words: string[]) =>
  fc.tuple(fc.constantFrom(...words), fc.nat(), fc.constantFrom('drop', 'double', 'swap')).map(([w, n, op]) => {
    const i = n % Math.max(1, w.length - 1);
    if (op === 'drop') return w.slice(0, i) + w.slice(i + 1);
    if (op === 'double') return w.slice(0, i) + w[i] + w.slice(i);
    return w.slice(0, i) + (w[i + 1] ?? '') + w[i] + w.slice(i + 2);
  });

const commentArb = fc.constantFrom('# keep this note', '# reviewed by audit', '# TODO: confirm', '#x', '# owner: leave as is');

// ---------------------------------------------------------------------------------------------------------
// Process documents

const FM_KEYS: string[] = Object.keys(FRONT_MATTER_KEYS);
const ALIASES: string[] = Object.keys(DEFAULT_KEY_ALIASES);
const FOREIGN: string[] = [...FOREIGN_KEYS].slice(0, 60);

const fmValueArb = (key: string, secret: fc.Arbitrary<string>): fc.Arbitrary<string> => {
  const shape = FRONT_MATTER_KEYS[key] ?? FRONT_MATTER_KEYS[DEFAULT_KEY_ALIASES[key]];
  const odd = fc.oneof(secret, sentenceArb, fc.constantFrom('', '~', 'null', '[]', '{}', '"quoted: value"', "'single'", '|\n  block text', 'yes'));
  switch (shape) {
    case 'type':
      return fc.oneof(fc.constantFrom(...DOCUMENT_TYPES), fc.constantFrom('runbok', 'Policy', 'guide', 'procedures', ''), odd);
    case 'status':
      return fc.oneof(fc.constantFrom(...DOCUMENT_STATUSES), fc.constantFrom('Draft', 'aproved', 'active', ''), odd);
    case 'date':
      return fc.oneof({ weight: 4, arbitrary: dateArb }, { weight: 1, arbitrary: odd });
    case 'controls':
      return fc.oneof(
        { weight: 4, arbitrary: fc.tuple(fc.array(controlRefArb, { maxLength: 6 }), fc.boolean()).map(([refs, block]) => listOf(refs, block, '')) },
        // comply's framework map (`satisfies: {TSC: [CC6.1]}`), block or flow; a flow list over two lines
        {
          weight: 1,
          arbitrary: fc
            .tuple(fc.array(fc.tuple(fc.constantFrom('TSC', 'SOC2', 'ISO27001', 'CSF', 'NIST CSF', 'NHI', 'other'), fc.array(controlRefArb, { maxLength: 3 })), { minLength: 1, maxLength: 3 }), fc.boolean())
            .map(([pairs, block]) => (block ? '\n' + pairs.map(([k, ids]) => `  ${k}: [${ids.join(', ')}]`).join('\n') : `{ ${pairs.map(([k, ids]) => `${k}: [${ids.join(', ')}]`).join(', ')} }`)),
        },
        { weight: 1, arbitrary: fc.tuple(controlRefArb, controlRefArb).map(([a, b]) => `[${a},\n  ${b}]`) },
      );
    case 'strings':
      return key.startsWith('owner') || key.startsWith('approv') || key.startsWith('maintainer') ? ownerArb : fc.oneof(fc.array(wordArb, { maxLength: 3 }).map((w) => `[${w.join(', ')}]`), odd);
    case 'version':
      return fc.constantFrom('1.0', '"0.1"', '2', 'v3', '1.2.3', '');
    default:
      if (key === 'review_cadence' || DEFAULT_KEY_ALIASES[key] === 'review_cadence') return cadenceArb;
      if (key.startsWith('owner')) return ownerArb;
      return fc.oneof(sentenceArb, odd);
  }
};

const fmEntryArb = (secret: fc.Arbitrary<string>): fc.Arbitrary<string> =>
  fc
    .oneof(
      { weight: 8, arbitrary: fc.constantFrom(...FM_KEYS) },
      { weight: 2, arbitrary: fc.constantFrom(...ALIASES) },
      { weight: 2, arbitrary: fc.constantFrom(...FOREIGN) },
      { weight: 2, arbitrary: typoArb(FM_KEYS) },
      { weight: 1, arbitrary: chars(LOWER + '_', 2, 12) },
    )
    .chain((key) => fc.tuple(fc.constant(key), fmValueArb(key, secret), fc.option(commentArb, { freq: 6 })))
    .map(([key, value, comment]) => `${key}:${value.startsWith('\n') ? '' : ' '}${value}${comment ? `  ${comment}` : ''}`.replace(/ +$/, ''));

const SECTION_NAMES: string[] = [...new Set(Object.values(DEFAULT_REQUIRED_SECTIONS as Record<string, string[]>).flat())];
const headingArb = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...SECTION_NAMES) },
  { weight: 1, arbitrary: fc.constantFrom('Records', 'Back out plan', 'Overview', 'Appendix', 'Steps to follow', 'TODO') },
  { weight: 1, arbitrary: sentenceArb },
);

const paragraphArb = (secret: fc.Arbitrary<string>): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 6, arbitrary: sentenceArb.map((s) => s[0].toUpperCase() + s.slice(1) + '.') },
    { weight: 1, arbitrary: fc.constantFrom('See [the policy](./missing.md).', 'See [access](../policies/access-control-policy.md#purpose).', 'Jump to [steps](#steps).', '[broken](#nowhere)', '<https://example.com/x>') },
    { weight: 1, arbitrary: fc.constantFrom('TODO: write this.', 'Owner: <insert owner>.', 'Ask [team] for access.', 'TBD') },
    { weight: 1, arbitrary: fc.constantFrom('<!-- a comment -->', '<!-- expect: nothing -->', '<!--\nmulti-line\ncomment\n-->') },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom('```', '```yaml', '~~~'), sentenceArb).map(([f, s]) => `${f}\n${s}\n${f.slice(0, 3)}`) },
    { weight: 1, arbitrary: secret.map((s) => `Use ${s} to log in.`) },
    { weight: 1, arbitrary: fc.array(sentenceArb, { minLength: 1, maxLength: 4 }).map((xs) => xs.map((x) => `- ${x}`).join('\n')) },
  );

/** Secrets appear in a generated file only when `withSecrets` (the masking property wants one in most files). */
export function processDocumentArb(withSecrets: number): fc.Arbitrary<GeneratedFile> {
  const secret = fc.oneof({ weight: withSecrets, arbitrary: secretSnippetArb }, { weight: 10 - withSecrets, arbitrary: sentenceArb });
  return fc
    .record({
      frontMatter: fc.option(fc.array(fc.oneof({ weight: 8, arbitrary: fmEntryArb(secret) }, { weight: 1, arbitrary: commentArb }), { maxLength: 10 }), { freq: 8 }),
      title: fc.option(sentenceArb, { freq: 6 }),
      sections: fc.array(fc.tuple(fc.integer({ min: 1, max: 3 }), headingArb, fc.array(paragraphArb(secret), { maxLength: 3 })), { maxLength: 7 }),
      crlf: fc.boolean(),
      finalNewline: fc.boolean(),
      bom: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
      name: fc.constantFrom('doc.md', 'runbooks/rotate.md', 'policies/policy.md', 'notes.md'),
    })
    .map(({ frontMatter, title, sections, crlf, finalNewline, bom, name }) => {
      const parts: string[] = [];
      if (frontMatter) parts.push('---', ...frontMatter, '---');
      if (title) parts.push(`# ${title}`, '');
      for (const [level, heading, paragraphs] of sections) parts.push(`${'#'.repeat(level + 1)} ${heading}`, '', ...paragraphs.flatMap((p) => [p, '']));
      let text = parts.join('\n') + (finalNewline ? '\n' : '');
      if (crlf) text = text.replace(/\n/g, '\r\n');
      if (bom) text = '\uFEFF' + text;
      return { uri: `examples/${name}`, text };
    });
}

// ---------------------------------------------------------------------------------------------------------
// Inventories

const FIELDS: any[] = IDENTITY_FIELDS as any[];

const inventoryValueArb = (field: any, secret: fc.Arbitrary<string>, indent: string): fc.Arbitrary<string> => {
  const odd = fc.oneof(secret, fc.constantFrom('', '~', 'TODO', 'unknown', '"quoted"', '[]', '{}', 'yes'));
  let typical: fc.Arbitrary<string>;
  switch (field?.type) {
    case 'enum':
      typical = fc.oneof(fc.constantFrom(...(field.values as string[])), typoArb(field.values as string[]));
      break;
    case 'date':
      typical = dateArb;
      break;
    case 'cadence':
      typical = cadenceArb;
      break;
    case 'boolean':
      typical = fc.constantFrom('true', 'false', 'yes', 'no', 'maybe');
      break;
    case 'controls':
      typical = fc.tuple(fc.array(controlRefArb, { maxLength: 5 }), fc.boolean()).map(([refs, block]) => listOf(refs, block, indent));
      break;
    case 'strings':
      typical = fc.tuple(fc.array(fc.oneof(wordArb, emailArb), { maxLength: 3 }), fc.boolean()).map(([xs, block]) => listOf(xs, block, indent));
      break;
    case 'string-or-strings':
      typical = field.key === 'owner' ? ownerArb : fc.oneof(fc.constantFrom('prod', 'production', 'staging', 'prd', 'dev', 'test'), fc.constant('[prod, staging]'));
      break;
    case undefined:
      typical = sentenceArb;
      break;
    default:
      typical = field?.key === 'id' ? fc.tuple(fc.constantFrom('svc', 'ci', 'key', 'bot'), chars(LOWER + DIGITS, 1, 6)).map(([a, b]) => `${a}-${b}`) : sentenceArb;
  }
  const shapes = fc.oneof(
    fc.constant(`|\n${indent}  first line\n${indent}  second line`),
    fc.constant('>-\n' + indent + '  folded text'),
    fc.constant('"double \\" quoted"'),
    fc.constant("'single quoted'"),
    fc.constant('&anchor shared'),
    fc.constant('*anchor'),
  );
  return fc.oneof({ weight: 12, arbitrary: typical }, { weight: 2, arbitrary: odd }, { weight: 1, arbitrary: shapes });
};

const fieldLineArb = (secret: fc.Arbitrary<string>, indent: string, keys: string[]): fc.Arbitrary<string> =>
  fc
    .oneof(
      { weight: 10, arbitrary: fc.constantFrom(...keys) },
      { weight: 1, arbitrary: typoArb(keys) },
      { weight: 1, arbitrary: fc.constantFrom('notes', 'team', 'x-custom', 'password', 'api_token') },
    )
    .chain((key) => fc.tuple(fc.constant(key), inventoryValueArb(FIELDS.find((f) => f.key === key), secret, indent), fc.option(commentArb, { freq: 8 })))
    .map(([key, value, comment]) => `${indent}${key}:${value.startsWith('\n') ? '' : ' '}${value}${comment ? `  ${comment}` : ''}`.replace(/ +$/, ''));

export function inventoryArb(withSecrets: number): fc.Arbitrary<GeneratedFile> {
  const secret = fc.oneof({ weight: withSecrets, arbitrary: secretSnippetArb }, { weight: 10 - withSecrets, arbitrary: sentenceArb });
  const identityKeys = FIELDS.map((f) => f.key);
  const identityArb = fc
    .tuple(
      fc.option(inventoryValueArb(FIELDS[0], secret, '    '), { freq: 8 }),
      fc.array(fc.oneof({ weight: 8, arbitrary: fieldLineArb(secret, '    ', identityKeys.filter((k) => k !== 'id')) }, { weight: 1, arbitrary: commentArb.map((c) => `    ${c}`) }), { maxLength: 10 }),
    )
    .map(([id, lines]) => {
      if (id !== null && lines.length && id.length % 7 === 0) return [`  - id: ${id}`, '    <<: *defaults', ...lines]; // (a merge key now and then)
      if (id !== null) return [`  - id: ${id}`, ...lines];
      if (!lines.length) return ['  - {}'];
      return [`  - ${lines[0].trimStart()}`, ...lines.slice(1)];
    });
  return fc
    .record({
      kind: fc.constantFrom('kind: nhi-inventory', 'kind: nhi-inventory  # the format', 'kind: inventory', ''),
      header: fc.array(commentArb, { maxLength: 2 }),
      defaults: fc.option(fc.array(fieldLineArb(secret, '  ', DEFAULTABLE_KEYS as string[]), { maxLength: 4 }), { freq: 3 }),
      identities: fc.array(identityArb, { maxLength: 5 }),
      crlf: fc.boolean(),
      name: fc.constantFrom('examples/inventories/gen.nhi.yaml', 'examples/gen.nhi.yml'),
    })
    .map(({ kind, header, defaults, identities, crlf, name }) => {
      const parts: string[] = [...header];
      if (kind) parts.push(kind);
      if (defaults) parts.push(defaults.length % 2 ? 'defaults: &defaults' : 'defaults:', ...(defaults.length ? defaults : ['  {}']));
      parts.push('identities:', ...identities.flat());
      let text = parts.join('\n') + '\n';
      if (crlf) text = text.replace(/\n/g, '\r\n');
      return { uri: name, text };
    });
}
