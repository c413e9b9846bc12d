/** Runs the units that read a YAML text (syntax errors, `controls:` lists) and those that read raw text. */
import type { Document } from 'yaml';
import type { Config } from '../config';
import { readYaml } from '../lang/yaml-controls';
import type { ControlRef } from '../refs/scan';
import type { Reporter } from '../report';
import { unitsReading } from '../rules/registry';

export interface YamlAnalysis {
  doc: Document.Parsed;
  /** References with offsets relative to the whole document (base applied). */
  refs: ControlRef[];
}

/** Parses `yamlText` (which starts at offset `base` of the document) and reports on its syntax and `controls:` lists. */
export function analyzeYaml(yamlText: string, base: number, config: Config, r: Reporter): YamlAnalysis {
  const read = readYaml(yamlText, base, config);
  const yaml = { errors: read.doc.errors, base, r };
  for (const u of unitsReading('yaml')) u.yaml!(yaml);
  for (const list of read.lists) {
    const c = { list, yamlText, base, config, r };
    for (const u of unitsReading('controlsList')) u.controlsList!(c);
  }
  return { doc: read.doc, refs: read.refs };
}

/** Runs the units that read the raw text of a part (starting at `base` in `r`'s document). */
export function runTextRules(text: string, base: number, r: Reporter): void {
  const c = { text, base, r };
  for (const u of unitsReading('text')) u.text!(c);
}
