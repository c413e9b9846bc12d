/** Templates for new process documents and inventories (command palette and snippets share the shape). */
import { yamlValue } from './lang/yaml-mapping';
export type TemplateKind = 'policy' | 'standard' | 'procedure' | 'runbook' | 'inventory';

const SECTIONS: Record<Exclude<TemplateKind, 'inventory'>, string[]> = {
  policy: ['Purpose', 'Scope', 'Roles and responsibilities', 'Policy statements', 'Exceptions', 'Evidence', 'Review'],
  standard: ['Purpose', 'Scope', 'Requirements', 'Exceptions', 'Evidence', 'Review'],
  procedure: ['Purpose', 'Scope', 'Roles and responsibilities', 'Procedure', 'Evidence', 'Review'],
  runbook: ['Purpose', 'Prerequisites', 'Steps', 'Rollback', 'Evidence', 'Review'],
};

/**
 * A new document of `kind`. `controls` (canonical prefixed references, e.g. `ISO27001:A.5.15`) fill the front matter
 * `controls` list of a process document (the coverage view's "Create a document for this control"); an inventory
 * ignores them. Each is written as a plain YAML scalar when it is one, else quoted.
 */
export interface TemplateOptions {
  /** The owner (else a placeholder address to replace). */
  owner?: string;
  /** The title (else "New <kind>"). */
  title?: string;
  /** The next review date, written as `next_review` (a process document). */
  nextReview?: string;
}

export function templateFor(kind: TemplateKind, today: string, controls: readonly string[] = [], opts: TemplateOptions = {}): { text: string; languageId: string } {
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
    owner: ${opts.owner ? yamlValue(opts.owner) : 'team@example.com'}
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
title: ${opts.title ? yamlValue(opts.title) : `New ${kind}`}
type: ${kind}
owner: ${opts.owner ? yamlValue(opts.owner) : 'owner@example.com'}
approver: approver@example.com
review_cadence: annual
last_reviewed: ${today}
${opts.nextReview ? `next_review: ${opts.nextReview}\n` : ''}status: draft
version: 0.1
scope: Describe the scope
controls: [${controls.map(yamlScalar).join(', ')}]
---
# ${opts.title ?? title}

${SECTIONS[kind].map((s) => `## ${s}\n`).join('\n')}`,
  };
}

/** A flow-sequence item: plain when it is a safe plain scalar (`CSF:PR.AA-01`, `SP800-53:AC-2(1)`), else double-quoted. */
function yamlScalar(s: string): string {
  return /^[A-Za-z][A-Za-z0-9:.()-]*$/.test(s) && !/: /.test(s) ? s : JSON.stringify(s);
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
