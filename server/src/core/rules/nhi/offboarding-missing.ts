/**
 * nhi-offboarding-missing: nothing says how the identity's access ends. `offboarding:` is missing, empty or a
 * placeholder (`TODO`, `<fill me>`), or names a path that does not exist (or an anchor its runbook lacks); a path to
 * a document that is not a runbook or procedure is said at severity info.
 *
 * The fix never writes a placeholder: it creates an offboarding runbook for the identity next to the inventory and
 * writes its path; the service offers instead the workspace's runbooks and procedures about offboarding
 * (`offboardingFixes`), one action each.
 */
import { offboardingRunbook } from '../../templates';
import type { Fix } from '../../types';
import { scalarText } from '../../lang/yaml-mapping';
import { defineRule } from '../meta';
import { resolvedLinks, type IdentityLink } from '../context';
import type { RuleUnit } from '../rule';
import { citation } from './context';

export const nhiOffboardingMissing = defineRule({
  id: 'nhi-offboarding-missing',
  description: 'No `offboarding` runbook or steps, a placeholder, or a runbook path that does not resolve (OWASP NHI1).',
  defaultSeverity: 'warning',
  scope: 'inventory',
  fixable: true,
  owasp: ['NHI1'],
  controls: ['ISO27001:A.5.18', 'ISO27001:A.5.16'],
});

export const CREATE_RUNBOOK = 'Create an offboarding runbook for this identity';

/** The file name of the runbook the fix creates for `id` (next to the inventory). */
export function runbookFileName(id: string | undefined): string {
  const slug = (id ?? 'identity').toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[-.]+|-+$/g, '') || 'identity';
  return `offboard-${slug}.md`;
}

/** A path as a YAML plain scalar where it can be one, else double-quoted. */
function yamlPath(p: string): string {
  return /^[A-Za-z0-9_./-][^:#\s"'{}[\],&*!|>%@`]*$/.test(p) && !/[:#]\s|\s$/.test(p) ? p : JSON.stringify(p);
}

export const offboardingMissing: RuleUnit = {
  meta: [nhiOffboardingMissing],
  identity(c) {
    if (c.effText('offboarding') !== undefined) return;
    const path = runbookFileName(c.id);
    const own = c.own('offboarding');
    const placeholder = own && scalarText(own.value) !== undefined;
    const insert = c.insertFix('offboarding', yamlPath(path), CREATE_RUNBOOK);
    const fix: Fix = { ...insert, isPreferred: false, create: { path, text: offboardingRunbook(c.id ?? 'this identity', c.today) } };
    c.report(
      nhiOffboardingMissing,
      ...c.at('offboarding'),
      placeholder
        ? `${c.subject} has a placeholder for offboarding: nothing says how its access ends when the workload is retired or the owner leaves`
        : `${c.subject} has no offboarding: nothing says how its access ends when the workload is retired or the owner leaves`,
      [fix],
    );
  },
  inventoryIdentity(c) {
    const x = c.identity;
    for (const { link: l, res, start, end } of resolvedLinks(c, 'offboarding')) {
      const type = res === 'missing' || res === 'no-anchor' || res === 'dir' ? undefined : c.typeOf(l.path);
      if (type === 'runbook' || type === 'procedure') continue;
      const message = offboardingMessage(x.id, l, res, type);
      const data = { ...(x.id !== undefined ? { identity: x.id } : {}), target: l.value };
      if (res === 'missing' || res === 'no-anchor') c.r.add(nhiOffboardingMissing.id, start, end, message, [], data);
      else c.r.add(nhiOffboardingMissing.id, start, end, message, [], { ...data, severity: 'info', notRunbook: true });
    }
  },
};

function offboardingMessage(id: string | undefined, l: IdentityLink, res: string, type: string | undefined): string {
  const subject = id !== undefined ? `Identity '${id}'` : 'This identity';
  const from = l.inherited ? ' (inherited from defaults)' : '';
  if (res === 'missing' || res === 'no-anchor') {
    const what = res === 'missing' ? `'${l.value}' does not exist` : `'${l.value}' names an anchor its runbook does not have`;
    return `${subject} names an offboarding runbook${from} that does not resolve: ${what}, so nothing says how its access ends (${citation(nhiOffboardingMissing)})`;
  }
  const is = res === 'dir' ? 'a folder' : type ? `a ${type}` : 'not a process document';
  return `${subject}'s offboarding${from} '${l.value}' is ${is}, not a runbook or procedure: an auditor looks for the steps that revoke its access (${citation(nhiOffboardingMissing)})`;
}

/**
 * The offboarding fixes of a finding of this rule, given what the workspace has: one fix per runbook or
 * procedure about offboarding (`candidates`, paths relative to the inventory), else the finding's own "create"
 * fix, whose new file gets a free name (`exists` says which are taken).
 */
export function offboardingFixes(fixes: readonly Fix[], candidates: readonly string[], exists: (path: string) => boolean): Fix[] {
  const create = fixes.find((f) => f.create);
  if (!create?.create) return fixes.slice();
  const rest = fixes.filter((f) => f !== create);
  const withPath = (path: string, title: string, keepCreate: boolean): Fix => ({
    title,
    edits: create.edits.map((e) => ({ ...e, newText: e.newText.split(yamlPath(create.create!.path)).join(yamlPath(path)) })),
    ...(keepCreate ? { create: { path, text: create.create!.text } } : {}),
  });
  if (candidates.length) return [...candidates.map((p, i) => ({ ...withPath(p, `Use the offboarding runbook ${p}`, false), ...(i === 0 && candidates.length === 1 ? { isPreferred: true } : {}) })), ...rest];
  let path = create.create.path;
  for (let n = 2; exists(path) && n < 100; n++) path = create.create.path.replace(/\.md$/, `-${n}.md`);
  return [withPath(path, CREATE_RUNBOOK, true), ...rest];
}
