// Deterministic generators for the benchmark documents (no randomness: the same bytes every run).
const TYPES = ['service-account', 'api-key', 'token', 'certificate', 'workload-identity', 'ci-cd-token', 'ai-agent'];
const CONTROLS = ['CSF:PR.AA-01', 'ISO27001:A.5.16', 'NHI7', 'SOC2:CC6.1', 'PR.AC-4', 'A.5.18', 'CSF:PR.AA-05'];

export function inventory(n) {
  const out = ['kind: nhi-inventory', 'defaults: { review_cadence: quarterly, environment: prod }', 'identities:'];
  for (let i = 0; i < n; i++) {
    const d = String(1 + (i % 28)).padStart(2, '0');
    out.push(
      `  - id: svc-${i}`,
      `    name: service-${i}`,
      `    type: ${TYPES[i % TYPES.length]}`,
      `    owner: team-${i % 40}@bank.example   # accountable team`,
      `    purpose: Runs job number ${i} for the settlement platform`,
      `    environment: prod`,
      `    platform: aws`,
      `    privilege: ${i % 17 === 0 ? 'admin' : 'scoped'}`,
      `    scopes: ["s3:GetObject", "sqs:SendMessage"]`,
      `    credential: ${i % 5 === 0 ? 'static-secret' : 'federated'}`,
      `    secret_store: vault`,
      `    rotation: P90D`,
      `    last_rotated: 2026-09-${d}`,
      `    expires: 2027-09-${d}`,
      `    review_cadence: quarterly`,
      `    last_reviewed: 2026-10-${d}`,
      `    last_used: 2026-11-${d}`,
      `    third_party: false`,
      `    used_by: [batch-${i}]`,
      `    offboarding: runbooks/offboard-service-account.md`,
      `    controls: [${CONTROLS[i % CONTROLS.length]}, ${CONTROLS[(i + 3) % CONTROLS.length]}]`,
    );
  }
  return out.join('\n') + '\n';
}

export function runbook(sections) {
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
    out.push('', `## Step ${s}: rotate credential set ${s}`, '');
    for (let p = 0; p < 4; p++) out.push(`Rotate the keys of cluster ${s}-${p} as required by PR.AA-01 and ISO 27001 A.5.17; record the change under CC6.1.`);
    out.push('', '```sh', `vault write -f auth/approle/role/app-${s}/secret-id   # PR.AC-4 in code is ignored`, '```', '');
    out.push('| Requirement | Control |', '|---|---|', `| Key rotation ${s} | CSF:PR.AA-05 |`, `| Access review ${s} | A.5.18 |`, '');
  }
  return out.join('\n') + '\n';
}
