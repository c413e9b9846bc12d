import type { FrameworkId } from '../config';
import { FRAMEWORK_IDS } from '../config';
import { FRAMEWORKS, type FrameworkInfo } from './frameworks';
import data from './catalog-data.json';

export type ControlKind =
  | 'function' | 'category' | 'subcategory'
  | 'clause' | 'theme' | 'control'
  | 'series' | 'criterion'
  | 'risk'
  | 'family' | 'enhancement';

export interface Control {
  framework: FrameworkId;
  /** Canonical ID without prefix: PR.AA-01, A.5.16, 5.16, CC6.1, NHI7, AC-2(1). */
  id: string;
  kind: ControlKind;
  /** Title (for CSF subcategories NIST's outcome text, which is all they have). */
  title: string;
  /** NIST's public-domain text (CSF only). */
  text?: string;
  parent?: string;
  examples?: { id: string; text: string }[];
  /** SOC 2 trust services category. */
  category?: string;
  /** OWASP full ID (NHI7:2025) and page. */
  fullId?: string;
  url?: string;
  newIn2022?: boolean;
  /** SP 800-53 withdrawal note ("Incorporated into AC-2"). */
  withdrawn?: string;
}

export interface LegacyControl {
  framework: FrameworkId;
  /** As the old edition wrote it: PR.AC-4, A.9.2.1, A.9. */
  id: string;
  kind: string;
  title: string;
  /** csf: withdrawn | retained | reworded. iso27001: always 'withdrawn' (the 2013 numbering is gone). */
  status: 'withdrawn' | 'retained' | 'reworded';
  reason?: string;
  /** Current IDs that replace it (canonical, unprefixed). */
  successors: string[];
  change?: string;
}

export interface ControlKey {
  framework: FrameworkId;
  id: string;
}

interface RawData {
  controls: Record<FrameworkId, Omit<Control, 'framework'>[]>;
  legacy: {
    csf: Omit<LegacyControl, 'framework'>[];
    iso27001: (Omit<LegacyControl, 'framework' | 'status'> & { change?: string })[];
  };
  crosswalk: [FrameworkId, string, FrameworkId, string][];
}

/**
 * The control catalogs, built at compile time from catalog-src/. Immutable; one instance serves
 * every document (see `catalog()`).
 */
export class Catalog {
  private readonly byFramework = new Map<FrameworkId, Control[]>();
  private readonly index = new Map<string, Control>();
  private readonly legacyIndex = new Map<string, LegacyControl>();
  private readonly crosswalkIndex = new Map<string, ControlKey[]>();

  constructor(raw: RawData) {
    for (const fw of FRAMEWORK_IDS) {
      const list = (raw.controls[fw] ?? []).map((c) => ({ ...c, framework: fw }) as Control);
      this.byFramework.set(fw, list);
      for (const c of list) this.index.set(key(fw, c.id), c);
    }
    for (const l of raw.legacy.csf) {
      const entry: LegacyControl = { ...l, framework: 'csf' };
      this.legacyIndex.set(key('csf', l.id), entry);
    }
    for (const l of raw.legacy.iso27001) {
      const entry: LegacyControl = {
        ...l,
        framework: 'iso27001',
        status: 'withdrawn',
      };
      this.legacyIndex.set(key('iso27001', l.id), entry);
    }
    const link = (a: ControlKey, b: ControlKey) => {
      const k = key(a.framework, a.id);
      const list = this.crosswalkIndex.get(k) ?? [];
      if (!list.some((x) => x.framework === b.framework && x.id === b.id)) list.push(b);
      this.crosswalkIndex.set(k, list);
    };
    for (const [fa, ia, fb, ib] of raw.crosswalk) {
      link({ framework: fa, id: ia }, { framework: fb, id: ib });
      link({ framework: fb, id: ib }, { framework: fa, id: ia });
    }
  }

  framework(id: FrameworkId): FrameworkInfo {
    return FRAMEWORKS[id];
  }

  get(framework: FrameworkId, id: string): Control | undefined {
    return this.index.get(key(framework, id));
  }

  all(framework: FrameworkId): readonly Control[] {
    return this.byFramework.get(framework) ?? [];
  }

  /** An ID of an earlier edition: CSF 1.1 (`PR.AC-4`) or ISO/IEC 27001:2013 Annex A (`A.9.2.1`). */
  legacy(framework: FrameworkId, id: string): LegacyControl | undefined {
    return this.legacyIndex.get(key(framework, id));
  }

  /**
   * Informative-reference equivalents (NIST's CSF 2.0 <-> ISO 27001:2022 and CSF 2.0 <-> SP 800-53),
   * plus the ISO 27001 Annex A <-> ISO 27002 numbering twin.
   */
  crosswalk(framework: FrameworkId, id: string): ControlKey[] {
    const out = [...(this.crosswalkIndex.get(key(framework, id)) ?? [])];
    if (framework === 'iso27001' && /^A\.\d+\.\d+$/.test(id)) out.unshift({ framework: 'iso27002', id: id.slice(2) });
    if (framework === 'iso27002' && /^\d+\.\d+$/.test(id)) {
      out.unshift({ framework: 'iso27001', id: 'A.' + id });
      out.push(...(this.crosswalkIndex.get(key('iso27001', 'A.' + id)) ?? []));
    }
    return out;
  }

  /** The control of a canonical reference (`CSF:PR.AA-01`, `ISO27001:5.3`); undefined when it is none. */
  resolve(ref: string): Control | undefined {
    const i = ref.indexOf(':');
    if (i < 0) return undefined;
    const fw = Object.values(FRAMEWORKS).find((f) => f.prefix === ref.slice(0, i).toUpperCase());
    return fw ? this.get(fw.id as FrameworkId, ref.slice(i + 1)) : undefined;
  }

  /** `CSF:PR.AA-01` */
  ref(c: ControlKey): string {
    return `${FRAMEWORKS[c.framework].prefix}:${c.id}`;
  }

  /**
   * Controls of the given frameworks matching every word of the query, by ID prefix or by words of
   * the title. An empty query returns everything, in catalog order.
   */
  search(query: string, frameworks: readonly FrameworkId[], limit = Infinity): Control[] {
    const words = query.toLowerCase().split(/\s+/).filter(Boolean);
    const out: Control[] = [];
    for (const fw of frameworks) {
      const prefix = FRAMEWORKS[fw].prefix.toLowerCase();
      for (const c of this.all(fw)) {
        if (out.length >= limit) return out;
        const id = c.id.toLowerCase();
        const title = c.title.toLowerCase();
        const hit = words.every(
          (w) => id.startsWith(w) || `${prefix}:${id}`.startsWith(w) || title.split(/[^a-z0-9]+/).some((t) => t.startsWith(w)),
        );
        if (hit) out.push(c);
      }
    }
    return out;
  }
}

function key(framework: FrameworkId, id: string): string {
  return `${framework}\u0000${id}`;
}

let shared: Catalog | undefined;

/** The catalog that ships with the extension. */
export function catalog(): Catalog {
  return (shared ??= new Catalog(data as unknown as RawData));
}
