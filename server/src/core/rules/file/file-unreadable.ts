/**
 * file-unreadable: what the engine could not read, said rather than skipped. The drivers report it (a binary
 * or oversized file in analysis/analyze.ts, a section too long to parse in analysis/body.ts): it has no
 * visitor, since it is about the input no visitor got to see.
 */
import { defineRule } from '../meta';
import type { RuleUnit } from '../rule';

export const fileUnreadable = defineRule({
  id: 'file-unreadable',
  description: 'The file is binary or too large, so nothing in it was checked; or part of it is too long, too deeply nested (Markdown beyond 64 levels, YAML beyond 128) or too dense to parse.',
  defaultSeverity: 'warning',
  scope: 'both',
  fixable: false,
});

export const unreadable: RuleUnit = { meta: [fileUnreadable] };
