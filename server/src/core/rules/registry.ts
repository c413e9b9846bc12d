/**
 * The registry: every rule unit, in the order their rules are listed (docs/rules/README.md, SARIF). The
 * drivers (core/analysis) ask for the units that read an input and run them; nothing else decides which
 * rules run. A new rule is a file under rules/<area>/ and one line here.
 */
import type { RuleMeta } from './meta';
import type { RuleInput, RuleUnit } from './rule';
import { controlRefs } from './controls/control-refs';
import { syntax } from './file/syntax-error';
import { unreadable } from './file/file-unreadable';
import { secrets } from './secrets/secret-inline';
import { ownership } from './ownership/ownership';
import { periodGap } from './ownership/review-period-gap';
import { ownerRegistry } from './ownership/owner-registry';
import { frontMatter } from './document/front-matter';
import { approver } from './document/approver-missing';
import { sections } from './document/sections';
import { controlsList } from './document/controls-list';
import { placeholders } from './document/placeholder';
import { links } from './document/link-broken';
import { evidence } from './evidence/evidence';
import { idDuplicate } from './nhi/id-duplicate';
import { purposeMissing } from './nhi/purpose-missing';
import { typeUnknown } from './nhi/type-unknown';
import { controlsMissing } from './nhi/controls-missing';
import { offboardingMissing } from './nhi/offboarding-missing';
import { stale } from './nhi/stale';
import { secretStorage } from './nhi/secret-storage';
import { thirdParty } from './nhi/third-party';
import { staticCredential } from './nhi/static-credential';
import { overprivileged } from './nhi/overprivileged';
import { ciStaticCredential } from './nhi/ci-static-credential';
import { rotation } from './nhi/rotation';
import { expired } from './nhi/expired';
import { sharedEnvironments } from './nhi/shared-environments';
import { reuse } from './nhi/reuse';
import { humanUse } from './nhi/human-use';
import { fieldInvalid } from './nhi/field-invalid';
import { lifecycle } from './nhi/lifecycle';
import { undocumented } from './discovery/nhi-undocumented';
import { undeployed } from './discovery/nhi-undeployed';
import { skipped } from './discovery/discovery-skipped';
import { unjustified } from './suppression/suppression-unjustified';
import { unused } from './suppression/suppression-unused';
import { expired as suppressionExpired } from './suppression/suppression-expired';
import { ruleUnknown } from './suppression/suppression-rule-unknown';

export { ruleDocsUrl, DOCS_BASE, type RuleMeta, type RuleScope } from './meta';

export const RULE_UNITS: readonly RuleUnit[] = [
  controlRefs, syntax, secrets, ownership, ownerRegistry, periodGap,
  frontMatter, approver, sections, controlsList, placeholders, links, evidence,
  idDuplicate, purposeMissing, typeUnknown, controlsMissing, offboardingMissing, stale, secretStorage, thirdParty,
  staticCredential, overprivileged, ciStaticCredential, rotation, expired, sharedEnvironments, reuse, humanUse, lifecycle, fieldInvalid,
  undocumented, undeployed, skipped,
  unreadable,
  unjustified, unused, suppressionExpired, ruleUnknown,
];

const rules: RuleMeta[] = [];
const byId = new Map<string, RuleMeta>();
for (const unit of RULE_UNITS) {
  for (const meta of unit.meta) {
    if (byId.has(meta.id)) throw new Error(`rule ${meta.id} defined twice`);
    rules.push(meta);
    byId.set(meta.id, meta);
  }
}

const byInput = new Map<RuleInput, RuleUnit[]>();

/** The units that read `input` (have a visitor for it), in registry order. */
export function unitsReading(input: RuleInput): readonly RuleUnit[] {
  let list = byInput.get(input);
  if (!list) byInput.set(input, (list = RULE_UNITS.filter((u) => typeof u[input] === 'function')));
  return list;
}

const byInputs = new Map<string, RuleUnit[]>();

/** The units that read any of `inputs`, in registry order (a driver running the units of several inputs in one pass). */
export function unitsReadingAny(...inputs: RuleInput[]): readonly RuleUnit[] {
  const key = inputs.join(',');
  let list = byInputs.get(key);
  if (!list) byInputs.set(key, (list = RULE_UNITS.filter((u) => inputs.some((input) => typeof u[input] === 'function'))));
  return list;
}

/** Each rule ID's place in localeCompare order (IDs that compare equal share one), made on first use. */
let ruleRanks: Map<string, number> | undefined;

/**
 * `x.localeCompare(y)` in sign, for the rule IDs of findings (the tie-break of every sort by position): the known IDs by
 * their rank, so a sort of many findings at one place collates no strings; any other ID by localeCompare.
 */
export function compareRuleIds(x: string, y: string): number {
  if (x === y) return 0;
  if (!ruleRanks) {
    const ids = [...new Set(rules.map((m) => m.id))].sort((a, b) => a.localeCompare(b));
    ruleRanks = new Map();
    let rank = 0;
    ids.forEach((id, i) => ruleRanks!.set(id, i > 0 && ids[i - 1].localeCompare(id) !== 0 ? ++rank : rank));
  }
  const a = ruleRanks.get(x);
  const b = ruleRanks.get(y);
  return a !== undefined && b !== undefined ? a - b : x.localeCompare(y);
}

export function ruleMeta(id: string): RuleMeta | undefined {
  return byId.get(id);
}

export function allRules(): readonly RuleMeta[] {
  return rules;
}
