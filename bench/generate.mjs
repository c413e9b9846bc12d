// Deterministic generators for the benchmark documents: no Math.random, no clock; the same bytes every run.
// `inventory(n)` and `runbook(n)` are the documents edited in the editor figures; `writeWorkspace(dir, n)`
// writes the many-file workspace the CLI figure checks. Line layouts are relied on by bench/edits.mjs.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const TYPES = ['service-account', 'api-key', 'token', 'certificate', 'workload-identity', 'ci-cd-token', 'ai-agent'];
const CONTROLS = ['CSF:PR.AA-01', 'ISO27001:A.5.16', 'NHI7', 'SOC2:CC6.1', 'PR.AC-4', 'A.5.18', 'CSF:PR.AA-05'];

/** Lines of identity `i`, 21 lines, starting with `  - id: svc-<i>` (offsets used by bench/edits.mjs). */
function identity(i) {
  const d = String(1 + (i % 28)).padStart(2, '0');
  return [
    `  - id: svc-${i}`, //                                                     +0
    `    name: service-${i}`,
    `    type: ${TYPES[i % TYPES.length]}`, //                                 +2
    `    owner: team-${i % 40}@bank.example   # accountable team`,
    `    purpose: Runs job number ${i} for the settlement platform`, //       +4
    `    environment: prod`,
    `    platform: aws`,
    `    privilege: ${i % 17 === 0 ? 'admin' : 'scoped'}`, //                 +7
    `    scopes: ["s3:GetObject", "sqs:SendMessage"]`,
    `    credential: ${i % 5 === 0 ? 'static-secret' : 'federated'}`,
    `    secret_store: vault`,
    `    rotation: P90D`, //                                                  +11
    `    last_rotated: 2026-09-${d}`, //                                      +12
    `    expires: 2027-09-${d}`,
    `    review_cadence: quarterly`,
    `    last_reviewed: 2026-10-${d}`,
    `    last_used: 2026-11-${d}`,
    `    third_party: false`,
    `    used_by: [batch-${i}]`,
    `    offboarding: runbooks/offboard-service-account.md`,
    `    controls: [${CONTROLS[i % CONTROLS.length]}, ${CONTROLS[(i + 3) % CONTROLS.length]}]`, // +20
  ];
}
export const IDENTITY_LINES = 21;
export const INVENTORY_HEADER_LINES = 3;

export function inventory(n) {
  const out = ['kind: nhi-inventory', 'defaults: { review_cadence: quarterly, environment: prod }', 'identities:'];
  for (let i = 0; i < n; i++) out.push(...identity(i));
  return out.join('\n') + '\n';
}

/**
 * The many-findings inventory: the same 21-line layout as `inventory(n)` (the keystroke and query offsets hold),
 * with values that real inventories get wrong, spread so that most identities carry one or two findings besides
 * those of `inventory(n)`: a secret in no store, admin privilege, dates long past (overdue rotation, expired, stale
 * review), an unknown type, a placeholder offboarding. About 3,000 findings over 2,000 identities with the offboarding
 * runbook present (bench.mjs writes it next to the inventory, counts the findings with the CLI and prints the count).
 */
function faultyIdentity(i) {
  const lines = identity(i);
  const d = String(1 + (i % 28)).padStart(2, '0');
  if (i % 7 === 0) lines[9] = '    credential: static-secret'; //                                        +9
  if (i % 4 === 1) lines[10] = '    secret_store: none';
  if (i % 5 === 2) lines[7] = '    privilege: admin';
  if (i % 6 === 3) lines[12] = `    last_rotated: 2025-0${1 + (i % 9)}-${d}`; //                         +12 (still a date: the edits break it)
  if (i % 7 === 4) lines[13] = `    expires: 2026-0${1 + (i % 9)}-${d}`;
  if (i % 8 === 5) lines[15] = `    last_reviewed: 2025-0${1 + (i % 9)}-${d}`;
  if (i % 9 === 6) lines[2] = '    type: robot'; //                                                   +2
  if (i % 20 === 7) lines[19] = '    offboarding: TBD';
  return lines;
}

export function manyFindingsInventory(n) {
  const out = ['kind: nhi-inventory', 'defaults: { review_cadence: quarterly, environment: prod }', 'identities:'];
  for (let i = 0; i < n; i++) out.push(...faultyIdentity(i));
  return out.join('\n') + '\n';
}

export const RUNBOOK_HEADER_LINES = 10;
export const SECTION_LINES = 17;

/** A runbook of `sections` sections of 17 lines each, after a 10-line header (front matter + title). */
export function runbook(sections, { brokenLinks = 0 } = {}) {
  const out = [
    '---',
    'title: Large operations runbook',
    'type: runbook',
    'owner: sre@bank.example',
    'approver: ciso@bank.example',
    'review_cadence: annual',
    'last_reviewed: 2026-03-01',
    'controls: [CSF:PR.AA-01, ISO27001:A.5.16, NHI1]',
    '---',
    '# Operations runbook',
  ];
  for (let s = 0; s < sections; s++) {
    const prev = s === 0 ? 'operations-runbook' : `step-${s - 1}-rotate-credential-set-${s - 1}`;
    out.push('', `## Step ${s}: rotate credential set ${s}`, ''); //                        +1 heading
    for (let p = 0; p < 4; p++) out.push(`Rotate the keys of cluster ${s}-${p} as required by PR.AA-01 and ISO 27001 A.5.17; record the change under CC6.1.`); // +3..+6
    // With `brokenLinks` (0..1): a second fragment link per section, to a step further on; that fraction of all the
    // fragment links (two per section) points at a heading with a typo (`credentail`), near enough to get a suggestion.
    const t = (s + 7) % sections;
    const broken = brokenLinks > 0 && s % 10 < Math.round(brokenLinks * 20);
    const more = brokenLinks > 0 ? ` and [step ${t}](#step-${t}-rotate-${broken ? 'credentail' : 'credential'}-set-${t})` : '';
    out.push(`See [the previous step](#${prev})${more} and the [evidence log][evidence].`); //  +7 link line
    out.push('', '```sh', `vault write -f auth/approle/role/app-${s}/secret-id   # PR.AC-4 in code is ignored`, '```', '');
    out.push('| Requirement | Control |', '|---|---|', `| Key rotation ${s} | CSF:PR.AA-05 |`, `| Access review ${s} | A.5.18 |`); // +13..+16
  }
  out.push('', '[evidence]: https://evidence.example/runbook');
  return out.join('\n') + '\n';
}

/** Small files of the workspace figure: inventories, process documents, other Markdown and YAML. */
function smallInventory(i) {
  const n = 3 + (i % 6);
  const out = ['kind: nhi-inventory', 'identities:'];
  for (let k = 0; k < n; k++) out.push(...identity(i * 10 + k));
  return out.join('\n') + '\n';
}
const DOC_TYPES = ['policy', 'standard', 'procedure', 'runbook'];
function smallDocument(i) {
  const type = DOC_TYPES[i % DOC_TYPES.length];
  const out = ['---', `title: ${type} ${i}`, `type: ${type}`, `owner: team-${i % 40}@bank.example`, 'review_cadence: annual',
    `last_reviewed: 2026-0${1 + (i % 9)}-1${i % 10}`, `controls: [${CONTROLS[i % CONTROLS.length]}, ${CONTROLS[(i + 2) % CONTROLS.length]}]`, '---', `# ${type} ${i}`];
  const sections = 2 + (i % 5);
  for (let s = 0; s < sections; s++) {
    out.push('', `## Section ${s}`, '', `Access to system ${i}-${s} is granted as required by ${CONTROLS[(i + s) % CONTROLS.length]} and reviewed under CC6.${1 + (s % 8)}.`);
    if (s % 2) out.push('', '```', `legacy note A.9.2.${s} inside code is ignored`, '```');
  }
  return out.join('\n') + '\n';
}
function note(i) {
  return `# Notes ${i}\n\nMeeting notes; mentions PR.AA-01 but this file is not a process document.\n`;
}

/** Writes `files` files in folders of 100 under `dir` (emptied first): 40% inventories, 40% documents, 20% other. */
export function writeWorkspace(dir, files) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const counts = { inventories: 0, documents: 0, other: 0 };
  for (let i = 0; i < files; i++) {
    const sub = join(dir, `team-${Math.floor(i / 100)}`);
    if (i % 100 === 0) mkdirSync(sub, { recursive: true });
    const kind = i % 5;
    if (kind < 2) {
      writeFileSync(join(sub, `identities-${i}.nhi.yaml`), smallInventory(i));
      counts.inventories++;
    } else if (kind < 4) {
      writeFileSync(join(sub, `process-${i}.md`), smallDocument(i));
      counts.documents++;
    } else {
      writeFileSync(join(sub, i % 2 ? `notes-${i}.md` : `config-${i}.yaml`), i % 2 ? note(i) : `name: app-${i}\nreplicas: ${i % 7}\n`);
      counts.other++;
    }
  }
  return counts;
}

// ---------------------------------------------------------------------------------------------- coverage workspace

/**
 * The coverage figure's workspace (bench/coverage.mjs): `files` files in folders of 100, drawing control IDs from the
 * catalogs of all six frameworks (CSF 2.0, ISO/IEC 27001 and 27002, SOC 2, OWASP NHI, SP 800-53) with a
 * deterministic walk: 40 % small inventories (3-8 identities, some unowned, overdue or without offboarding), 40 %
 * process documents (policy, standard, procedure, runbook, plan; approved, draft or retired; some overdue or
 * unowned; controls in front matter and cited in the body, some cited only), 20 % other Markdown and YAML.
 * An .isms.yaml enables the six frameworks and excludes two Annex A controls. Returns the counts.
 */
export function writeCoverageWorkspace(dir, files, catalogData) {
  const c = catalogData.controls;
  // (Four in five of each catalog's controls are drawn: the others stay gaps, or are only cited, as in a real register.)
  const pick = (list) => (n) => list[(n * 7919) % Math.ceil(list.length * 0.8)];
  const csf = pick(c.csf.filter((x) => x.kind === 'subcategory' && !x.withdrawn).map((x) => `CSF:${x.id}`));
  const iso = pick(c.iso27001.filter((x) => x.kind === 'control').map((x) => `ISO27001:${x.id}`));
  const clause = pick(c.iso27001.filter((x) => x.kind === 'clause' && x.id.includes('.')).map((x) => `ISO27001:${x.id}`));
  const iso2 = pick(c.iso27002.filter((x) => x.kind === 'control').map((x) => `ISO27002:${x.id}`));
  const soc2 = pick(c.soc2.filter((x) => x.kind === 'criterion').map((x) => `SOC2:${x.id}`));
  const nhi = pick(c.nhi.map((x) => x.id));
  const sp = pick(c['sp800-53'].filter((x) => x.kind === 'control' && !x.withdrawn).map((x) => `SP800-53:${x.id}`));
  const ALL = [csf, iso, iso2, soc2, nhi, sp, clause];
  /** The `k`-th control of file `i`: frameworks mixed per file. */
  const ctl = (i, k) => ALL[(i + k * 3) % ALL.length](i * 13 + k * 101);
  const day = (i) => String(1 + (i % 28)).padStart(2, '0');
  const month = (i) => String(1 + (i % 12)).padStart(2, '0');

  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, '.isms.yaml'),
    [
      'frameworks: [csf, iso27001, iso27002, soc2, nhi, sp800-53]',
      'soa:',
      '  excluded:',
      '    A.7.4: "no physical premises; cloud-only"',
      '    A.7.5: "no physical premises; cloud-only"',
      '',
    ].join('\n'),
  );
  const counts = { inventories: 0, documents: 0, other: 0 };
  const TYPES = ['policy', 'standard', 'procedure', 'runbook', 'plan'];
  const STATUS = ['approved', 'approved', 'approved', 'draft', 'approved', 'retired', 'approved'];
  const CADENCE = ['annual', 'quarterly', 'P180D', 'annual'];
  const ID_TYPES = ['service-account', 'api-key', 'token', 'certificate', 'workload-identity', 'ci-cd-token', 'ai-agent'];
  for (let i = 0; i < files; i++) {
    const sub = join(dir, `team-${Math.floor(i / 100)}`);
    if (i % 100 === 0) mkdirSync(sub, { recursive: true });
    const kind = i % 5;
    if (kind < 2) {
      const n = 3 + (i % 6);
      const out = ['kind: nhi-inventory', `defaults: { review_cadence: quarterly, environment: ${i % 3 ? 'prod' : 'staging'} }`, 'identities:'];
      for (let k = 0; k < n; k++) {
        const j = i * 10 + k;
        out.push(
          `  - id: ${ID_TYPES[j % ID_TYPES.length]}-${j}`,
          `    name: ${ID_TYPES[j % ID_TYPES.length]} ${j}`,
          `    type: ${ID_TYPES[j % ID_TYPES.length]}`,
          ...(j % 23 ? [`    owner: team-${j % 40}@bank.example`] : []),
          `    purpose: Runs job ${j} of the settlement platform`,
          `    platform: ${['aws', 'gcp', 'azure', 'github'][j % 4]}`,
          `    privilege: ${j % 17 === 0 ? 'admin' : 'scoped'}`,
          `    credential: ${j % 5 === 0 ? 'static-secret' : 'federated'}`,
          `    secret_store: vault`,
          `    rotation: P90D`,
          `    last_rotated: 2026-${j % 19 ? '10' : '03'}-${day(j)}`,
          `    last_reviewed: 2026-${j % 13 ? '10' : '02'}-${day(j)}`,
          ...(j % 11 ? [`    offboarding: ../runbooks/offboard-${j % 4}.md`] : []),
          `    controls: [${ctl(j, 0)}, ${ctl(j, 1)}${j % 3 ? `, ${ctl(j, 2)}` : ''}]`,
        );
      }
      writeFileSync(join(sub, `identities-${i}.nhi.yaml`), out.join('\n') + '\n');
      counts.inventories++;
    } else if (kind < 4) {
      const type = TYPES[i % TYPES.length];
      const listed = [0, 1, 2, 3].slice(0, 1 + (i % 4)).map((k) => ctl(i, k));
      const out = [
        '---',
        `title: ${type[0].toUpperCase()}${type.slice(1)} ${i}`,
        `type: ${type}`,
        ...(i % 29 ? [`owner: team-${i % 40}@bank.example`] : []),
        `approver: ciso@bank.example`,
        `status: ${STATUS[i % STATUS.length]}`,
        `review_cadence: ${CADENCE[i % CADENCE.length]}`,
        `last_reviewed: 2026-${i % 17 ? month(i % 11 + 1) : '01'}-${day(i)}`,
        `controls: [${listed.join(', ')}]`,
        '---',
        `# ${type[0].toUpperCase()}${type.slice(1)} ${i}`,
      ];
      const sections = 2 + (i % 5);
      for (let s = 0; s < sections; s++) {
        out.push('', `## ${['Purpose', 'Scope', 'Roles and responsibilities', 'Procedure', 'Review', 'Evidence'][s % 6]}`, '');
        // (Bodies cite what the front matter lists; one document in four also cites a control it does not list.)
        out.push(`Access to system ${i}-${s} is granted as ${listed[s % listed.length]} requires${s === 1 && i % 4 === 0 ? `; changes are recorded under ${ctl(i, 5 + s)}` : ''}.`);
        if (s % 2) out.push('', '| Requirement | Control |', '|---|---|', `| Review ${s} | ${listed[(s + 1) % listed.length]} |`);
        if (s % 3 === 2) out.push('', '```', `legacy note A.9.2.${s} inside code is ignored`, '```');
      }
      writeFileSync(join(sub, `${type}-${i}.md`), out.join('\n') + '\n');
      counts.documents++;
    } else {
      writeFileSync(
        join(sub, i % 2 ? `notes-${i}.md` : `config-${i}.yaml`),
        i % 2 ? `# Notes ${i}\n\nMeeting notes; mentions PR.AA-01 but this file is not a process document.\n` : `name: app-${i}\nreplicas: ${i % 7}\n`,
      );
      counts.other++;
    }
  }
  return counts;
}

// ---------------------------------------------------------------------------------------------- keystroke plans

/** 0..n-1 in an order whose every prefix is spread through the range (so a session cut short by its budget still is). */
export function spreadOrder(n) {
  return [...Array(n).keys()].sort((a, b) => ((a * 0.618034) % 1) - ((b * 0.618034) % 1));
}

/**
 * Keystrokes, one character each, at `sites` places spread through the document (bench.mjs); with `lineBreaks`, each
 * place also gets a line break and its removal, which move every later chunk (keystroke.mjs).
 */
export function inventoryEdits(lines, n, sites, { lineBreaks = false } = {}) {
  const plan = [];
  for (const k of spreadOrder(sites)) {
    const i = Math.floor(((k + 0.5) * n) / sites);
    const base = INVENTORY_HEADER_LINES + IDENTITY_LINES * i;
    const purpose = base + 4;
    const date = base + 12;
    const controls = base + 20;
    const c = lines[controls];
    const afterId = c.indexOf('[') + 1 + c.slice(c.indexOf('[') + 1).indexOf(',');
    const d = lines[date];
    plan.push(
      { line: purpose, at: 'end', text: ' ', kind: 'type' },
      { line: purpose, at: 'end', text: 'n', kind: 'type' },
      { line: controls, start: afterId, end: afterId, text: '9', kind: 'error+' }, // CSF:PR.AA-01 -> CSF:PR.AA-019
      { line: controls, start: afterId, end: afterId + 1, text: '', kind: 'error-' },
      { line: date, start: d.length - 1, end: d.length, text: '', kind: 'error+' }, // 2026-09-05 -> 2026-09-0
      { line: date, start: d.length - 1, end: d.length - 1, text: d.at(-1), kind: 'error-' },
      { line: purpose, at: 'end', text: 'o', kind: 'type' },
      { line: purpose, at: 'end', text: 'w', kind: 'type' },
    );
    if (lineBreaks) plan.push({ line: purpose, at: 'end', text: '\n', kind: 'type' }, { line: purpose + 1, join: true, kind: 'type' });
  }
  return plan;
}

export function runbookEdits(lines, sections, sites, { lineBreaks = false } = {}) {
  const plan = [];
  for (const k of spreadOrder(sites)) {
    const s = Math.floor(((k + 0.5) * sections) / sites);
    const base = RUNBOOK_HEADER_LINES + SECTION_LINES * s;
    const prose = base + 3;
    const prose2 = base + 4;
    const link = base + 7;
    const ref = lines[prose].indexOf('PR.AA-01') + 'PR.AA-01'.length;
    const close = lines[link].indexOf(')');
    plan.push(
      { line: prose2, at: 'end', text: ' ', kind: 'type' },
      { line: prose2, at: 'end', text: 'n', kind: 'type' },
      { line: prose, start: ref, end: ref, text: '9', kind: 'error+' }, // PR.AA-01 -> PR.AA-019
      { line: prose, start: ref, end: ref + 1, text: '', kind: 'error-' },
      { line: link, start: close, end: close, text: 'x', kind: 'error+' }, // (#step-3-...) -> (#step-3-...x): no such heading
      { line: link, start: close, end: close + 1, text: '', kind: 'error-' },
      { line: prose2, at: 'end', text: 'o', kind: 'type' },
      { line: prose2, at: 'end', text: 'w', kind: 'type' },
    );
    if (lineBreaks) plan.push({ line: prose2, at: 'end', text: '\n', kind: 'type' }, { line: prose2 + 1, join: true, kind: 'type' });
  }
  return plan;
}
