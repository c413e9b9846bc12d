#!/usr/bin/env node
// Builds the control catalogs that ship in the extension from the reference files in catalog-src/
// (see catalog-src/SOURCES.md). Output: server/src/core/catalog/catalog-data.json, committed so that a
// build needs no network and no ../shared. `npm run build:catalog` regenerates it;
// test/catalog.test.ts fails when the committed file is stale or differs from its sources.
//
// Copyright rules: ISO and AICPA material is IDs and titles only (the SOC 2 labels are this project's own
// words, flagged unofficial in the source); OWASP NHI Top 10 is titles only; NIST text is public domain.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const src = (p) => JSON.parse(readFileSync(join(root, 'catalog-src', p), 'utf8'));
export const OUTPUT = join(root, 'server/src/core/catalog/catalog-data.json');

export function buildCatalogData() {
  const csf = src('nist-csf-2.0/csf-2.0-core.json');
  const csfWithdrawn = src('nist-csf-2.0/csf-2.0-withdrawn.json');
  const csf11 = src('nist-csf-1.1/csf-1.1-core.json');
  const transition = src('nist-csf-1.1/csf-1.1-to-2.0-transition.json');
  const iso = src('iso-27001/iso27001-2022.json');
  const iso2013 = src('iso-27001/iso27001-2013-to-2022.json');
  const soc2 = src('soc2-tsc/tsc-2017-criteria.json');
  const nhi = src('owasp-nhi-top10-2025/nhi-top10-2025.json');
  const sp = src('nist-sp800-53r5/sp800-53r5-controls.json');
  const csfIso = src('mappings/csf-2.0_to_iso-27001-2022.json');
  const csfSp = src('mappings/csf-2.0_to_sp800-53r5.json');

  const controls = { csf: [], iso27001: [], iso27002: [], soc2: [], nhi: [], 'sp800-53': [] };

  for (const f of csf.functions) controls.csf.push({ id: f.id, kind: 'function', title: f.title, text: f.text });
  for (const c of csf.categories)
    controls.csf.push({ id: c.id, kind: 'category', title: c.title, text: c.text, parent: c.function });
  for (const s of csf.subcategories)
    controls.csf.push({
      id: s.id,
      kind: 'subcategory',
      title: s.text,
      text: s.text,
      parent: s.category,
      examples: s.implementation_examples.map((e) => ({ id: e.id, text: e.text })),
    });

  for (const c of iso.clauses)
    controls.iso27001.push({ id: c.id, kind: 'clause', title: c.title, ...(c.parent ? { parent: c.parent } : {}) });
  for (const t of iso.themes) {
    controls.iso27001.push({ id: t.id, kind: 'theme', title: t.title });
    controls.iso27002.push({ id: t.clause, kind: 'theme', title: t.title });
  }
  for (const a of iso.annex_a) {
    const extra = a.new_in_2022 ? { newIn2022: true } : {};
    controls.iso27001.push({ id: a.id, kind: 'control', title: a.title, parent: a.theme_id, ...extra });
    controls.iso27002.push({ id: a.number, kind: 'control', title: a.title, parent: a.theme_id.slice(2), ...extra });
  }

  for (const s of soc2.series)
    controls.soc2.push({ id: s.id, kind: 'series', title: s.title, category: s.trust_services_category });
  for (const c of soc2.criteria)
    controls.soc2.push({ id: c.id, kind: 'criterion', title: c.label, parent: c.series, category: c.trust_services_category });

  for (const n of nhi.items)
    controls.nhi.push({
      id: n.short_id,
      kind: 'risk',
      title: n.title,
      fullId: n.id,
      url: `https://owasp.org/www-project-non-human-identities-top-10/2025/${n.doc.replace(/\.md$/, '')}/`,
    });

  for (const f of sp.families) controls['sp800-53'].push({ id: f.id, kind: 'family', title: f.title });
  for (const c of sp.controls)
    controls['sp800-53'].push({
      id: c.id,
      kind: c.enhancement ? 'enhancement' : 'control',
      title: c.title,
      parent: c.enhancement ? c.id.replace(/\(\d+\)$/, '') : c.family,
      ...(c.withdrawn ? { withdrawn: c.withdrawn_note ?? 'Withdrawn' } : {}),
    });

  // Legacy IDs: CSF 1.1 (every 1.1 element, with what became of it) and ISO/IEC 27001:2013 Annex A.
  const withdrawnText = new Map(csfWithdrawn.withdrawn.map((w) => [w.id, w]));
  const csf11Titles = new Map([...csf11.categories, ...csf11.functions].map((c) => [c.id, c.title]));
  const legacyCsf = transition.items.map((it) => {
    const e = {
      id: it.csf11_id,
      kind: it.type,
      title: it.type === 'subcategory' ? it.csf11_text : (it.csf11_title ?? csf11Titles.get(it.csf11_id)),
      status: it.status === 'withdrawn' ? 'withdrawn' : it.text_changed || it.title_changed ? 'reworded' : 'retained',
    };
    if (it.status === 'withdrawn') {
      e.reason = it.withdraw_reason;
      e.successors = it.successors.map((s) => s.id);
    } else {
      e.successors = [it.csf20_id];
    }
    if (it.csf20_referenced_by?.length) e.referencedBy = it.csf20_referenced_by;
    return e;
  });
  // Sanity: every withdrawn 2.0-spelled element in NIST's list is covered by the transition map.
  for (const w of withdrawnText.values()) {
    if (!legacyCsf.some((l) => l.id === (w.legacy_csf11_id ?? w.id))) throw new Error(`withdrawn ${w.id} missing from transition`);
  }

  const forward = new Map(iso2013.forward_2013_to_2022.map((f) => [f.iso2013_id, f]));
  const legacyIso = iso2013.iso2013_annex_a.map((c) => {
    const kind = c.type ?? 'control';
    let successors;
    let change;
    if (kind === 'control') {
      const f = forward.get(c.id);
      successors = f.iso2022_ids;
      change = f.change;
    } else {
      // A domain (A.9) or objective (A.9.2) stands for every control under it.
      const set = new Set();
      for (const f of iso2013.forward_2013_to_2022) if (f.iso2013_id.startsWith(c.id + '.')) f.iso2022_ids.forEach((i) => set.add(i));
      successors = [...set].sort(compareIds);
    }
    return { id: c.id, kind, title: c.title, successors, ...(change ? { change } : {}) };
  });

  const crosswalk = [];
  for (const m of csfIso.mappings) {
    if (m.iso_id === '*' || m.suspect) continue; // "All applicable controls" and the two non-existent clauses
    crosswalk.push(['csf', m.csf_id, 'iso27001', m.iso_id]);
  }
  const spIds = new Set(sp.controls.map((c) => c.id).concat(sp.families.map((f) => f.id)));
  for (const m of csfSp.mappings) {
    if (!spIds.has(m.sp800_53_id)) continue; // IA-13 (5.1.1) is not in the pre-5.1.1 ID list
    crosswalk.push(['csf', m.csf_id, 'sp800-53', m.sp800_53_id]);
  }
  const seen = new Set();
  const uniqueCrosswalk = crosswalk.filter((p) => {
    const k = p.join('|');
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });

  return {
    generatedFrom: 'catalog-src/ (see SOURCES.md); built by scripts/build-catalogs.mjs',
    controls,
    legacy: { csf: legacyCsf, iso27001: legacyIso },
    crosswalk: uniqueCrosswalk,
  };
}

function compareIds(a, b) {
  const pa = a.replace(/^A\./, '').split('.').map(Number);
  const pb = b.replace(/^A\./, '').split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) if ((pa[i] ?? -1) !== (pb[i] ?? -1)) return (pa[i] ?? -1) - (pb[i] ?? -1);
  return 0;
}

export function serialize(data) {
  return JSON.stringify(data) + '\n';
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const text = serialize(buildCatalogData());
  writeFileSync(OUTPUT, text);
  console.log(`wrote ${OUTPUT} (${text.length} bytes)`);
}
