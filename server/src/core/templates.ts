/** Templates for new process documents and inventories (command palette and snippets share the shape). */
export type TemplateKind = 'policy' | 'standard' | 'procedure' | 'runbook' | 'inventory';

const SECTIONS: Record<Exclude<TemplateKind, 'inventory'>, string[]> = {
  policy: ['Purpose', 'Scope', 'Roles and responsibilities', 'Policy statements', 'Exceptions', 'Evidence', 'Review'],
  standard: ['Purpose', 'Scope', 'Requirements', 'Exceptions', 'Evidence', 'Review'],
  procedure: ['Purpose', 'Scope', 'Roles and responsibilities', 'Procedure', 'Evidence', 'Review'],
  runbook: ['Purpose', 'Prerequisites', 'Steps', 'Rollback', 'Evidence', 'Review'],
};

export function templateFor(kind: TemplateKind, today: string): { text: string; languageId: string } {
  if (kind === 'inventory') {
    return {
      languageId: 'yaml',
      text: `kind: nhi-inventory
defaults:
  review_cadence: quarterly
  environment: prod
identities:
  - id: svc-example
    name: example-service-account
    type: service-account
    owner: team@example.com
    purpose: Describe what this identity does
    privilege: scoped
    credential: federated
    secret_store: none
    rotation: P90D
    last_rotated: ${today}
    last_reviewed: ${today}
    offboarding: runbooks/offboard-service-account.md
    controls: [CSF:PR.AA-01, ISO27001:A.5.16, NHI:NHI1]
`,
    };
  }
  const title = kind[0].toUpperCase() + kind.slice(1);
  return {
    languageId: 'markdown',
    text: `---
title: New ${kind}
type: ${kind}
owner: owner@example.com
approver: approver@example.com
review_cadence: annual
last_reviewed: ${today}
status: draft
version: 0.1
scope: Describe the scope
controls: []
---
# ${title}

${SECTIONS[kind].map((s) => `## ${s}\n`).join('\n')}`,
  };
}

/**
 * A runbook that offboards one identity (the nhi-offboarding-missing quick fix creates it next to the inventory):
 * the runbook template with the identity named, the revocation steps to fill in, and the controls it evidences.
 */
export function offboardingRunbook(identity: string, today: string): string {
  return `---
title: Offboard ${identity}
type: runbook
owner: owner@example.com
approver: approver@example.com
review_cadence: annual
last_reviewed: ${today}
status: draft
version: 0.1
scope: The non-human identity ${identity}
controls: [ISO27001:A.5.18, ISO27001:A.5.16, NHI:NHI1]
---
# Offboard ${identity}

## Purpose

How the access of the non-human identity \`${identity}\` ends when its workload is retired or its owner leaves:
every credential revoked, every grant removed, the inventory entry closed.

## Prerequisites

- The owner of \`${identity}\` agrees that it is no longer needed.

## Steps

1. Revoke its credentials (keys, tokens, certificates) where they are issued.
2. Remove its role bindings and grants.
3. Delete the secret from the secret store.
4. Mark the identity as retired in the NHI inventory.

## Rollback

Issue a new credential through the usual request; a revoked one is never restored.

## Evidence

The revocation record (audit log entry, ticket) of each step, kept with the access review records.

## Review
`;
}
