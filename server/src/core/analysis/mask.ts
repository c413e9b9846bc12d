/**
 * No output shows a secret the file holds: a message (or a data value) that quotes a value of the file (an
 * invalid enum value, an identity id, an owner) masks every literal secret that secret-inline found in the same
 * text, and any secret it holds on its own. Applied where findings are made, before they are cached, so a shifted
 * copy after an edit costs nothing; a text without secrets costs one pass over its findings.
 */
import type { RawFinding } from '../report';
import type { LineIndex } from '../text';
import type { Fix } from '../types';
import { maskSecret, maskSecretsIn, secretInline } from '../rules/secrets/secret-inline';

/** Masks the messages and data of `findings` from index `from` on: a finding that changes is replaced by a masked copy. */
export function maskMessages(findings: RawFinding[], lines: LineIndex, from = 0): void {
  const secrets: string[] = [];
  for (const f of findings) {
    if (f.ruleId !== secretInline.id) continue;
    const v = lines.text.slice(lines.offsetAt(f.range.start), lines.offsetAt(f.range.end));
    if (v.length >= 4 && !secrets.includes(v)) secrets.push(v);
  }
  if (!secrets.length) return;
  const mask = (s: string): string => {
    let out = s;
    for (const v of secrets) if (out.includes(v)) out = out.split(v).join(maskSecret(v));
    // A part of a secret quoted on its own (the YAML library names a tag `!abc…` up to a character it stops at): any
    // word of 8 characters or more that a secret contains.
    out = out.replace(/[^\s"'`,;()[\]{}<>]{8,}/g, (w) => (secrets.some((v) => v !== w && v.includes(w)) ? maskSecret(w) : w));
    return maskSecretsIn(out);
  };
  for (let i = from; i < findings.length; i++) {
    const f = findings[i];
    if (f.ruleId === secretInline.id) continue;
    // (A masked finding is a copy: a unit may hand back a finding it kept from an earlier analysis.)
    let out: RawFinding | undefined;
    const m = mask(f.message);
    if (m !== f.message) out = { ...f, message: m };
    let fixes: Fix[] | undefined;
    f.fixes.forEach((fix, k) => {
      let g = fix;
      const t = mask(fix.title);
      if (t !== fix.title) g = { ...g, title: t };
      // A file a fix creates names what it is about (an identity's id): its name, text and the path written to it
      // are masked as one (the same masked name everywhere).
      if (fix.create) {
        const c = { path: mask(fix.create.path), text: mask(fix.create.text) };
        if (c.path !== fix.create.path || c.text !== fix.create.text) g = { ...g, create: c, edits: fix.edits.map((e) => ({ ...e, newText: mask(e.newText) })) };
      }
      if (g !== fix) (fixes ??= f.fixes.slice())[k] = g;
    });
    if (fixes) out = { ...(out ?? f), fixes };
    if (f.data) {
      let data: Record<string, unknown> | undefined;
      for (const [k, v] of Object.entries(f.data)) {
        if (typeof v === 'string') {
          const w = mask(v);
          if (w !== v) (data ??= { ...f.data })[k] = w;
        } else if (Array.isArray(v) && v.some((x) => typeof x === 'string')) {
          const w = v.map((x) => (typeof x === 'string' ? mask(x) : x));
          if (w.some((x, j) => x !== v[j])) (data ??= { ...f.data })[k] = w;
        }
      }
      if (data) out = { ...(out ?? f), data };
    }
    if (out) findings[i] = out;
  }
}
