/**
 * `line:rule` (1-based line) of every rule a `# expect: rule-id[, rule-id…]` marker of a YAML text names, sorted: the
 * expected findings of a fixture, marked inline; `keep` limits them to the rules a test compares.
 */
export function yamlExpectations(text: string, keep: (rule: string) => boolean = () => true): string[] {
  const out: string[] = [];
  text.split(/\r?\n/).forEach((l, i) => {
    const m = /#\s*expect:\s*(.+)$/.exec(l);
    if (m) for (const id of m[1].split(/[,\s]+/).filter(Boolean)) if (keep(id)) out.push(`${i + 1}:${id}`);
  });
  return out.sort();
}
