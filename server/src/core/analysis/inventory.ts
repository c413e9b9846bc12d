/**
 * NHI inventories, analysed per identity: the driver above the rules. The text is cut into one chunk per
 * identity (lang/inventory.ts); each chunk is parsed on its own, every rule unit that reads a YAML text, a
 * `controls:` list, the raw text or an identity is run on it (rules/registry.ts), and the result (ranges
 * relative to the chunk) is cached by chunk text within its context (defaults, frameworks, nhi settings,
 * today, line break: what the identity rules read), so on a keystroke only the identity being edited is
 * parsed again. The inventory-wide units run on the identity summaries after. Files the scanner cannot
 * cut (flow style, tabs, anchors and aliases) are parsed whole, same rules.
 */
import { isMap, isScalar, isSeq, type Document, type YAMLMap } from 'yaml';
import { isPlaceholderValue } from '../lang/words';
import type { Config } from '../config';
import { todayOf } from '../dates';
import type { ControlRef } from '../refs/scan';
import { shiftRef } from '../refs/scan';
import { compareFindings, Reporter, type RawFinding } from '../report';
import { lastAtMost, LineIndex, type TextChange, type TextSource } from '../text';
import type { FileHost, Range } from '../types';
import { partsOf, splitAfterChange, splitInventory, splitWithIndent, WHOLE, type InventoryChunk, type PreviousCut } from '../lang/inventory';
import { YamlMapping } from '../lang/yaml-mapping';
import { recordedHistory, type RecordedHistory } from '../lang/history';
import { detach, LruCache, placedBefore, shiftFinding, shiftRange, WOULD_BLOCK, type FindingRun } from '../chunks';
import { IdentityContext, type IdentityInput, type IdentityLinkAt } from '../rules/nhi/context';
import type { IdentityLink, IdentityRecord, InventoryContext, InventoryIdentityContext } from '../rules/context';
import { LinkResolver } from '../lang/evidence';
import { identityOwners } from '../rules/ownership/ownership';
import { unitsReading, unitsReadingAny } from '../rules/registry';
import { analyzeYaml, runTextRules } from './yaml';
import { maskMessages } from './mask';
import { secretInline } from '../rules/secrets/secret-inline';
import { syntaxError } from '../rules/file/syntax-error';
import { clearWide, internWide, sameValue } from './intern';

/** What the editor knows of one identity (hover, document symbols, workspace-wide id and owner lists). */
export interface IdentitySummary {
  id?: string;
  idRange?: Range;
  /** From the first key of the identity to the end of its last value. */
  range: Range;
  name?: string;
  type?: string;
  owners: string[];
  consumers: string[];
  controls: string[];
  /** `status`, lower-cased, when written (the lifecycle: active, disabled, revoked, decommissioned). */
  status?: string;
  /** The last review: the later of `last_reviewed` and the latest `reviews` entry (lang/history.ts). */
  lastReviewed?: string;
  /** The review and rotation history and cadences (only when there is something to say). */
  history?: RecordedHistory;
  /** Paths it names (evidence, offboarding), resolved by the inventory-wide units. */
  links?: IdentityLink[];
  /** Its `source:` values (docs/discovery.md), each with the range of its text. */
  sources?: { value: string; range: Range }[];
}

interface ChunkResult {
  /** The chunk's text (its own copy: the cache key; never a slice that would keep a whole file alive). */
  text: string;
  /** Ranges relative to the chunk's first line; offsets relative to its start. */
  findings: RawFinding[];
  refs: ControlRef[];
  /**
   * Its identities as the chunk reported them (relative to it), until it is first placed: from then on its identities
   * where it last was (`last`) are shifted to any new place, and this copy is dropped (at 20,000 identities a second copy
   * of every summary and its ranges is ~7 MB kept).
   */
  identities?: IdentitySummary[];
  /** How many identities it has. */
  count: number;
  /**
   * One object per identity, the same wherever the chunk moves (empty: a key). The inventory-wide units' findings on an
   * identity are kept under it with its line (runWide), so an identity moved by a line break gets them shifted.
   */
  rel: readonly IdentityRecord[];
  /** The identities shifted to where the chunk last was (reused while it does not move). */
  last?: { line: number; identities: IdentitySummary[] };
  /** The findings shifted to where the chunk last was (made only when the file's findings are asked for in file coordinates). */
  lastFindings?: { line: number; findings: RawFinding[] };
  /**
   * The inventory-wide units' findings on this chunk's lines at the last analysis that placed it (`abs`, as the units
   * reported them), relative to the chunk (`rel`: the same objects while they are equal, wherever the chunk moves), and
   * the chunk's run with them (`run`: its own findings and `rel` in order).
   */
  wide?: { line: number; abs: RawFinding[]; rel: RawFinding[]; run: RawFinding[] };
  /** Its run where it last was (findingRuns): the same object while it neither changes nor moves. */
  run?: FindingRun;
  /** Its secret-inline findings (masking the wide units' messages reads them; most chunks have none: NONE). */
  secrets: readonly RawFinding[];
  /** Whether it has a syntax-error finding (analyze.ts explains the YAML library's stack overflows: it looks only then). */
  syntax: boolean;
}

const NONE: readonly RawFinding[] = [];

/**
 * Chunk results: context key (defaults, frameworks, nhi settings, today, line break, audit period) -> chunk text ->
 * result. Bounded: at most CONTEXTS contexts and INVENTORY_CACHE_MAX chunks each (least recently used
 * dropped first).
 */
const CONTEXTS = 8;
export const INVENTORY_CACHE_MAX = 20_000;
const cache = new LruCache<LruCache<ChunkResult>>(CONTEXTS);

/** The chunk cache of one context, and its key. */
function contextCache(defaults: Record<string, unknown>, config: Config, today: string, eol: string): { key: string; ctx: LruCache<ChunkResult> } {
  const key = JSON.stringify([defaults, config.frameworks, config.nhi, today, eol, config.auditPeriod ?? null, config.ownerRegistry?.key ?? null]);
  let ctx = cache.get(key);
  if (!ctx) cache.set(key, (ctx = new LruCache<ChunkResult>(INVENTORY_CACHE_MAX)));
  return { key, ctx };
}

export function clearInventoryCache(): void {
  cache.clear();
  outsideCache.clear();
  lastRun.clear();
  wideKept.clear();
  runsKept.clear();
  clearWide();
}

/** Number of cached chunk results (all contexts). */
export function inventoryCacheSize(): number {
  let n = 0;
  for (const m of cache.values()) n += m.size;
  return n;
}

export interface InventoryAnalysis {
  /** Every control reference with document offsets (materialised on first use). */
  readonly refs: ControlRef[];
  /** The same, per chunk (built on first use: a keystroke needs none of them). */
  readonly sections: RefSection[];
  identities: IdentitySummary[];
  /**
   * With options.runs, when the file was cut: every finding as runs in the order of the service's sort (position, then
   * rule ID; equal ones in the order reported), undefined when the runs would not be in that order (the caller sorts the
   * whole list then); and the whole list as the reporter would have it (header, items, trailing part, the wide units').
   */
  lazy?: { runs: FindingRun[] | undefined; findings(): RawFinding[]; syntax: boolean };
  /** When the file was cut into identities: where (Analysis.items). */
  items?: InventoryItems;
  /** The sections that may hold a reference at `offset`, in the order of `sections` (all of them when not cut). */
  sectionsNear(offset: number): RefSection[];
}

/**
 * The identity items of a cut inventory (the outline reads them instead of scanning every line): the line of each
 * item's first line and its text (each item object is shared while its text is the same, wherever it moves), the line
 * of the first item and the line where the items end (the part after them, or the end of the file).
 */
export interface InventoryItems {
  lines: readonly number[];
  texts: readonly { readonly text: string }[];
  first: number;
  end: number;
}

export interface InventoryOptions {
  /** Parse and check the file as one document, without chunks or cache (tests compare both). */
  whole?: boolean;
  /** The text this file had at its last analysis, and where it changed since: only the items around the change are cut again. */
  prev?: { text: TextSource; change: TextChange };
  /** Throw WOULD_BLOCK rather than parse a part this long or longer at once (the whole file, a long trailing part). */
  inlineLimit?: number;
  /** Answers whether the paths identities name exist; without it, none is checked. */
  host?: FileHost;
  /**
   * Report the findings as runs (InventoryAnalysis.runs): the items' and the trailing part's findings are not pushed
   * into the reporter, and the whole list in file coordinates is made only when InventoryAnalysis.findings is called.
   */
  runs?: boolean;
}

/**
 * A header (the part before `identities:`) with a flow-style value the fast reader does not read (it reads one-line
 * flow maps and sequences of scalars, `defaults: { review_cadence: quarterly }`): a whole-file check (the CLI's) of such
 * an inventory is cut into identities as an open file's is (the same findings: test/inventory.test.ts), so the library
 * parses the header alone, not the whole file (on a 10,000-file workspace with such headers, `isms check` spends 1.6
 * times less CPU). A one-line flow value without nesting or comment is read whole (again 0.7 times the CPU of the cut).
 */
function flowHeader(text: string): boolean {
  const end = text.search(/^identities[ \t]*:/m);
  if (end <= 0) return false;
  const flow = /^[ \t]*[^\s#][^:\n]*:[ \t]*[{[].*/gm;
  const header = text.slice(0, end);
  for (let m = flow.exec(header); m; m = flow.exec(header)) if (!/:[ \t]*(?:\{[^{}[\]#\n]*\}|\[[^{}[\]#\n]*\])[ \t]*\r?$/.test(m[0])) return true;
  return false;
}

/**
 * Runs syntax, control-reference, ownership and nhi-* checks on an inventory and reports into `r`
 * (whose LineIndex is `lines`). Returns the control references and a summary per identity.
 */
export function analyzeInventory(
  text: TextSource,
  lines: LineIndex,
  config: Config,
  r: Reporter,
  options: InventoryOptions = {},
  uri = '',
): InventoryAnalysis {
  const today = todayOf(config);
  const eol = lines.eol;
  const prevRun = uri && !options.whole ? lastRun.get(uri) : undefined;
  // After a known change, re-cut only around it (and reuse the other chunks' results by index).
  const cut = prevRun && options.prev && prevRun.text === options.prev.text ? splitAfterChange(prevRun.cut, text, lines.lineStarts, options.prev.change) : undefined;
  // (`text` is read whole only where the file is cut afresh or parsed whole; a keystroke reads the change's items.)
  const { chunks, indent } = options.whole && !flowHeader(text.toString()) ? WHOLE(text.length) : cut ? { chunks: cut.chunks, indent: prevRun!.cut.indent } : splitWithIndent(text.toString(), lines.lineStarts);
  /** Sections of the parts outside the identities (or of the whole file); those of the items are added on demand. */
  const sections: RefSection[] = [];
  let itemSections: (() => RefSection[]) | undefined;
  let sectionsNear: ((offset: number) => RefSection[]) | undefined;
  let identities: IdentitySummary[] = [];
  /** With options.runs: the header's and the trailing part's runs, the items' (with their results), and where the header's findings end in r. */
  const outsideRuns: { kind: InventoryChunk['kind']; run: FindingRun }[] = [];
  let itemLines: number[] = [];
  let itemResults: ChunkResult[] = [];
  let headerEnd = 0;
  /** When cut: each identity as its chunk reported it (relative to the chunk) and the chunk's line (InventoryContext.placed). */
  let placedIdentities: IdentityRecord[] | undefined;
  let placedLines: number[] = [];
  let after: RawFinding[] = []; // (the trailing part's, pushed after the items': the findings stay in file order)
  /** With options.runs: the items' secret-inline findings where they are, and how many items have a syntax error. */
  let itemSecrets: readonly RawFinding[] = [];
  let syntaxItems = 0;
  let lazy: InventoryAnalysis['lazy'];
  /** A change within lines: the identities outside [from, to) are those of the last analysis (`last`), at the same indices. */
  let since: { last: Placed; from: number; to: number } | undefined;

  if (chunks[0].kind === 'whole') {
    if (text.length >= (options.inlineLimit ?? Infinity)) throw WOULD_BLOCK;
    const all = text.toString();
    const first = r.findings.length;
    const { doc, refs: found } = analyzeYaml(all, 0, config, r);
    sections.push({ base: 0, refs: found });
    runTextRules(all, 0, r);
    const { defaults, items, defaultsNode } = partsOf(doc);
    if (defaultsNode) checkDefaults(defaultsNode, 0, r);
    for (const item of items) {
      if (!isMap(item) || !item.range) continue;
      identities.push(summary(checkIdentity({ map: item, base: 0, defaults, config, today, eol }, r), item, all, lines));
    }
    maskMessages(r.findings, r.lines, first);
  } else {
    let defaults: Record<string, unknown> = {};
    for (const chunk of chunks) {
      if (chunk.kind === 'item') continue;
      const res = checkOutside(text.slice(chunk.start, chunk.end), chunk.kind === 'header', config, options.inlineLimit);
      if (chunk.kind === 'header') for (const f of res.findings) r.findings.push(shiftFinding(f, chunk.line));
      else after = after.concat(res.findings.map((f) => shiftFinding(f, chunk.line)));
      if (options.runs) outsideRuns.push({ kind: chunk.kind, run: { line: chunk.line, findings: res.findings } });
      if (res.refs.length) sections.push({ base: chunk.start, refs: res.refs });
      if (chunk.kind === 'header') defaults = res.defaults;
    }
    const { key: ctxKey, ctx } = contextCache(defaults, config, today, eol);
    // This file's chunks of the last analysis, matched by index from the front and from the back: an
    // edit leaves all but one chunk as they were, found with one string comparison (slice + ===; no
    // hashing of the whole file as a Map lookup per chunk would do). After a known change the index
    // alone says which chunks are unchanged.
    const prev = prevRun && prevRun.ctxKey === ctxKey ? prevRun : undefined;
    // (Indexed loops and lists of their final length: a keystroke walks every identity, and what it allocates per
    // identity is what the garbage collector pays for.)
    let itemCount = 0;
    for (let c = 0; c < chunks.length; c++) if (chunks[c].kind === 'item') itemCount++;
    const known = prev && cut ? cut : undefined;
    // A change within lines (a typed character): the items outside the re-cut ones are where they were, on the same
    // lines; their results, places and identities are the last analysis's (copied lists), and only the re-cut items are
    // looked at.
    const last = prevRun?.placed;
    const inPlace = !!(options.runs && known && last && known.shift === 0 && lines.lineCount === prevRun!.cut.lineCount && last.itemLines.length === itemCount && prev!.results.length === itemCount);
    const results: ChunkResult[] = inPlace ? prev!.results.slice() : new Array(itemCount);
    if (options.runs) itemResults = results;
    itemLines = inPlace ? last!.itemLines.slice() : new Array(itemCount);
    /** Each chunk's identities where it is (res.last: a chunk text that occurs twice has one result, placed twice). */
    const placedOf: IdentitySummary[][] = inPlace ? last!.placedOf.slice() : new Array(itemCount);
    let identityCount = 0;
    let firstItem = 0;
    while (firstItem < chunks.length && chunks[firstItem].kind !== 'item') firstItem++;
    let k = inPlace ? known!.from : 0;
    const end = inPlace ? firstItem + known!.to : chunks.length;
    for (let c = inPlace ? firstItem + known!.from : 0; c < end; c++) {
      const chunk = chunks[c];
      if (chunk.kind !== 'item') continue;
      let res: ChunkResult | undefined;
      if (known && (k < known.from || k >= known.to)) res = prev!.results[k < known.from ? k : k + known.shift];
      else {
        const chunkText = text.slice(chunk.start, chunk.end);
        if (prev && !known) {
          const back = k - itemCount + prev.results.length;
          if (prev.results[k]?.text === chunkText) res = prev.results[k];
          else if (prev.results[back]?.text === chunkText) res = prev.results[back];
        }
        if (!res) res = ctx.get(chunkText);
        if (!res) {
          // (A copy only for the cache: a whole-file check keeps nothing.)
          const own = options.whole ? chunkText : detach(chunkText);
          res = checkChunk(own, defaults, config, today, eol);
          if (!options.whole) ctx.set(own, res);
        }
      }
      results[k] = res;
      const dl = chunk.line;
      const last = res.last;
      const out = !last || last.line !== dl ? { line: dl, identities: placedSummaries(res, dl) } : last;
      res.last = out;
      res.identities = undefined;
      placedOf[k] = out.identities;
      identityCount += out.identities.length;
      itemLines[k] = dl;
      if (!options.runs) {
        const fs = placedFindings(res, dl);
        for (let i = 0; i < fs.length; i++) r.findings.push(fs[i]);
      }
      k++;
    }
    // Each identity where it is, as its chunk reported it, and its chunk's line.
    let placedNow: Placed | undefined;
    if (inPlace) {
      // (The re-cut items have as many identities as before, at the same indices: the last lists with those replaced.)
      let same = true;
      for (let k = known!.from; same && k < known!.to; k++) same = placedOf[k].length === last!.placedOf[k].length && itemLines[k] === last!.itemLines[k];
      if (same) {
        identities = last!.identities.slice();
        placedIdentities = last!.placedIdentities.slice();
        placedLines = last!.placedLines;
        for (let k = known!.from; k < known!.to; k++) {
          const own = results[k].rel;
          for (let i = 0, at = last!.at[k]; i < placedOf[k].length; i++, at++) {
            identities[at] = placedOf[k][i];
            placedIdentities[at] = own[i];
          }
        }
        placedNow = { itemLines, placedOf, at: last!.at, identities, placedIdentities, placedLines };
        since = { last: last!, from: last!.at[known!.from], to: known!.to < itemCount ? last!.at[known!.to] : identities.length };
      } else {
        // (Not the same count: every place again, as below.)
        identityCount = 0;
        for (let k = 0; k < itemCount; k++) identityCount += placedOf[k].length;
      }
    }
    if (!placedNow) {
      identities = new Array(identityCount);
      placedIdentities = new Array(identityCount);
      placedLines = new Array(identityCount);
      const at: number[] = new Array(itemCount);
      for (let k = 0, n = 0; k < itemCount; k++) {
        const placed = placedOf[k];
        const own = results[k].rel;
        at[k] = n;
        for (let i = 0; i < placed.length; i++, n++) {
          identities[n] = placed[i];
          placedIdentities[n] = own[i];
          placedLines[n] = itemLines[k];
        }
      }
      if (options.runs) placedNow = { itemLines, placedOf, at, identities, placedIdentities, placedLines };
    }
    if (options.runs) {
      // The items' secrets where they are (masking the wide units' messages reads them) and how many items have a
      // syntax error: after a typed character the last ones, unless a re-cut item has or had a secret (then all again).
      let again = true;
      if (inPlace && last!.itemSecrets) {
        let touched = false;
        let syntax = last!.syntaxItems ?? 0;
        for (let k = known!.from; k < known!.to; k++) {
          const was = prev!.results[k];
          const now = results[k];
          if (was.secrets.length || now.secrets.length) touched = true;
          syntax += (now.syntax ? 1 : 0) - (was.syntax ? 1 : 0);
        }
        if (!touched) {
          itemSecrets = last!.itemSecrets;
          syntaxItems = syntax;
          again = false;
        }
      }
      if (again) {
        const out: RawFinding[] = [];
        for (let k = 0; k < itemCount; k++) {
          const own = results[k].secrets;
          for (let i = 0; i < own.length; i++) out.push(shiftFinding(own[i], itemLines[k]));
          if (results[k].syntax) syntaxItems++;
        }
        itemSecrets = out;
      }
      if (placedNow) {
        placedNow.itemSecrets = itemSecrets;
        placedNow.syntaxItems = syntaxItems;
      }
      headerEnd = r.findings.length;
    } else for (const f of after) r.findings.push(f);
    itemSections = () => {
      const out = sections.slice();
      let i = 0;
      for (const chunk of chunks) if (chunk.kind === 'item' && results[i++].refs.length) out.push({ base: chunk.start, refs: results[i - 1].refs });
      return out;
    };
    // (A hover asks for the reference at one offset: the parts outside the items and the item there, found by halving.)
    sectionsNear = (offset) => {
      let lo = 0;
      let hi = chunks.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (chunks[mid].start <= offset) lo = mid;
        else hi = mid - 1;
      }
      const out = sections.slice();
      for (let c = Math.max(0, lo - 1); c <= lo; c++) {
        const k = c - firstItem;
        if (chunks[c].kind === 'item' && results[k].refs.length) out.push({ base: chunks[c].start, refs: results[k].refs });
      }
      return out;
    };
    if (uri && !options.whole) {
      lastRun.delete(uri);
      lastRun.set(uri, { ctxKey, results, text, cut: { chunks, indent, lineCount: lines.lineCount }, placed: placedNow });
      if (lastRun.size > 64) lastRun.delete(lastRun.keys().next().value!);
    }
  }

  if (since) identitiesSinceMemo.set(identities, { last: new WeakRef(since.last.identities), from: since.from, to: since.to });
  const wide = r.findings.length;
  const keep = !!uri && !options.whole;
  /** This analysis's Placed (with options.runs, when cut): the `since.last` of the next one. */
  const thisPlaced = placedIdentities && keep ? lastRun.get(uri)?.placed : undefined;
  runWide(identities, r, uri, options.host, keep, placedIdentities && keep ? { keys: placedIdentities, lines: placedLines, placed: thisPlaced } : undefined, since);
  // (The items' and the trailing part's findings are not in r: masking reads the secrets they found.)
  const secrets: RawFinding[] = options.runs ? itemSecrets.concat(after.filter((f) => f.ruleId === secretInline.id)) : [];
  if (secrets.length) {
    const list = secrets.concat(r.findings);
    maskMessages(list, r.lines, secrets.length + wide);
    for (let i = wide; i < r.findings.length; i++) r.findings[i] = list[secrets.length + i];
  } else maskMessages(r.findings, r.lines, wide);
  if (uri && !options.whole) internWide(`inventory:${uri}`, r.findings, wide);
  if (options.runs && chunks[0].kind !== 'whole') {
    const all = r.findings;
    const wideFindings = all.slice(wide);
    const trailing = after;
    let flat: RawFinding[] | undefined;
    lazy = {
      runs: findingRuns(outsideRuns, itemLines, itemResults, wideFindings, keep ? { uri, placed: thisPlaced, since: since?.last } : undefined),
      syntax: syntaxItems > 0 || outsideRuns.some((o) => o.run.findings.some((f) => f.ruleId === syntaxError.id)) || wideFindings.some((f) => f.ruleId === syntaxError.id),
      findings: () => {
        if (flat) return flat;
        const out = all.slice(0, headerEnd);
        itemResults.forEach((res, k) => {
          for (const f of placedFindings(res, itemLines[k])) out.push(f);
        });
        for (const f of trailing) out.push(f);
        for (const f of wideFindings) out.push(f);
        return (flat = out);
      },
    };
  }
  let refs: ControlRef[] | undefined;
  let all: RefSection[] | undefined;
  let items: InventoryItems | undefined;
  if (chunks[0].kind !== 'whole' && itemResults.length) {
    // (The header comes first, the part after the items last: no walk over the chunks.)
    let c = 0;
    while (chunks[c].kind !== 'item') c++;
    const tail = chunks[chunks.length - 1];
    items = { lines: itemLines, texts: itemResults, first: chunks[c].line, end: tail.kind === 'trailing' ? tail.line : lines.lineCount };
  }
  return {
    identities,
    lazy,
    items,
    sectionsNear(offset) {
      return sectionsNear ? sectionsNear(offset) : this.sections;
    },
    get sections() {
      return (all ??= itemSections ? itemSections() : sections);
    },
    get refs() {
      return (refs ??= materialize(this.sections));
    },
  };
}

/**
 * What the inventory-wide units concluded at a file's last analysis (by URI), for the next one (runWide): the identities
 * handed to them, the key and line of each (when cut), the Placed of that analysis, the questions asked of the host and
 * their answers, and each `inventoryIdentity` unit's findings, identity by identity (`offs[k]` to `offs[k + 1]` in `flat`).
 */
interface WideKept {
  keys: readonly IdentityRecord[] | undefined;
  lines: readonly number[] | undefined;
  placed: Placed | undefined;
  resolver: LinkResolver;
  /** How many questions the last analysis that reused nothing asked (bounds those carried forward: see runWide). */
  asked: number;
  out: WideOut[];
}

/**
 * One `inventoryIdentity` unit's findings at an analysis: identity k's are `flat[offs[k]]` to `flat[offs[k + 1]]`; `home`,
 * by identity key, the findings of an identity that moved, at the line it first moved from (a line break and its removal
 * give the identities below their own findings back, not shifted copies of shifted copies; moved again, they are shifted
 * from there). Dropped with the file's kept state when the host's answers change.
 */
interface WideOut {
  flat: RawFinding[];
  offs: number[];
  home: WeakMap<IdentityRecord, { line: number; findings: RawFinding[] }>;
}

const wideKept = new Map<string, WideKept>();

const NO_FINDINGS: RawFinding[] = [];
/** Arrays of zeros by length, shared (never changed), the last few lengths asked. */
const zeroArrays = new Map<number, number[]>();
function zeros(length: number): number[] {
  let z = zeroArrays.get(length);
  if (!z) {
    if (zeroArrays.size >= 8) zeroArrays.delete(zeroArrays.keys().next().value!);
    zeroArrays.set(length, (z = new Array<number>(length).fill(0)));
  }
  return z;
}

/**
 * Runs the inventory-wide units (`inventory`: every identity at once; `inventoryIdentity`: one identity at a time) in
 * registry order, their findings pushed into `r`. An `inventoryIdentity` unit's findings on an identity depend on that
 * identity and the host's answers only (rules/context.ts InventoryIdentityContext): while every question the file's
 * last analysis asked the host gets the same answer, an identity with the key and line it had there (same index, or as
 * far from the end) gets its last findings again, one moved by a line break gets them shifted, and after a change within
 * lines (`since`) only the identities in the changed window are looked at (the others' findings are copied as a block).
 */
function runWide(
  identities: readonly IdentitySummary[],
  r: Reporter,
  uri: string,
  host: FileHost | undefined,
  keep: boolean,
  placed: { keys: readonly IdentityRecord[]; lines: readonly number[]; placed: Placed | undefined } | undefined,
  since: { last: Placed; from: number; to: number } | undefined,
): void {
  const prev = keep ? wideKept.get(uri) : undefined;
  let resolver = new LinkResolver(host, uri);
  // (The questions carried forward include those of identities since changed: when they outgrow what a fresh analysis
  // asked, one analysis reuses nothing and asks afresh.)
  const reuse = !!prev && prev.resolver.questions <= 2 * prev.asked + 64 && resolver.answersAsBefore(prev.resolver);
  if (prev && !reuse) resolver = new LinkResolver(host, uri);
  const inventory: InventoryContext = { identities, r, uri, resolve: resolver.resolve, typeOf: resolver.typeOf, ...(since ? { since: { last: since.last.identities, from: since.from, to: since.to } } : {}) };
  const one: InventoryIdentityContext = { identity: identities[0], r, uri, resolve: resolver.resolve, typeOf: resolver.typeOf };
  const out: WideKept['out'] = [];
  const f = r.findings;
  const n = identities.length;
  const units = unitsReadingAny('inventory', 'inventoryIdentity');
  for (let u = 0; u < units.length; u++) {
    const unit = units[u];
    if (unit.inventory) unit.inventory(inventory);
    const visit = unit.inventoryIdentity;
    if (!visit) continue;
    const last = reuse ? prev!.out[out.length] : undefined;
    const home: WideOut['home'] = last ? last.home : new WeakMap();
    const start = f.length;
    let offs: number[];
    if (last && since && placed && since.last === prev!.placed && last.offs.length === n + 1) {
      // A change within lines: the identities before and after the window are where they were, the same.
      const lf = last.flat;
      const lo = last.offs;
      const { from, to } = since;
      for (let i = 0, e = lo[from]; i < e; i++) f.push(lf[i]);
      let same = true;
      const counts: number[] = new Array(to - from);
      for (let k = from; k < to; k++) {
        const before = f.length;
        one.identity = identities[k];
        visit(one);
        counts[k - from] = f.length - before;
        if (counts[k - from] !== lo[k + 1] - lo[k]) same = false;
      }
      for (let i = lo[to], e = lf.length; i < e; i++) f.push(lf[i]);
      if (same) offs = lo;
      else {
        offs = new Array(n + 1);
        for (let k = 0; k <= from; k++) offs[k] = lo[k];
        for (let k = from; k < to; k++) offs[k + 1] = offs[k] + counts[k - from];
        for (let k = to + 1, d = offs[to] - lo[to]; k <= n; k++) offs[k] = lo[k] + d;
      }
    } else {
      offs = new Array(n + 1);
      offs[0] = 0;
      const keys = placed?.keys;
      const lines = placed?.lines;
      const pk = last ? prev!.keys : undefined;
      const pl = prev?.lines;
      for (let k = 0; k < n; k++) {
        let p = -1;
        if (pk && keys && lines && pl) {
          const key = keys[k];
          if (pk[k] === key) p = k;
          else {
            const b = k - n + pk.length;
            if (b >= 0 && pk[b] === key) p = b;
          }
        }
        if (p >= 0) {
          const line = lines![k];
          const dl = line - pl![p];
          const lf = last!.flat;
          const at = last!.offs[p];
          const e = last!.offs[p + 1];
          if (dl === 0 || e === at) for (let i = at; i < e; i++) f.push(lf[i]);
          else {
            // (Moved: its findings where it was first seen moving from, kept for the way back.)
            let h = home.get(keys![k]);
            if (!h) home.set(keys![k], (h = { line: pl![p], findings: lf.slice(at, e) }));
            if (h.line === line) for (let i = 0; i < h.findings.length; i++) f.push(h.findings[i]);
            else for (let i = 0, d = line - h.line; i < h.findings.length; i++) f.push(shiftFinding(h.findings[i], d));
          }
        } else {
          one.identity = identities[k];
          visit(one);
        }
        offs[k + 1] = f.length - start;
      }
    }
    // (A unit that found nothing keeps no list of its own: at 20,000 identities an array of zeros is 160 KB kept per unit.)
    out.push(f.length === start ? { flat: NO_FINDINGS, offs: zeros(n + 1), home } : { flat: f.slice(start), offs, home });
  }
  if (!keep) return;
  wideKept.delete(uri);
  wideKept.set(uri, { keys: placed?.keys, lines: placed?.lines, placed: placed?.placed, resolver, asked: reuse ? prev!.asked : resolver.questions, out });
  if (wideKept.size > 64) wideKept.delete(wideKept.keys().next().value!);
}

/**
 * Identity lists made after a change within lines: from which list, and which of its identities may differ. (The list
 * it was made from is held weakly: a hint must not keep every earlier list of a file alive, one from the next.)
 */
const identitiesSinceMemo = new WeakMap<readonly IdentitySummary[], { last: WeakRef<readonly IdentitySummary[]>; from: number; to: number }>();

/**
 * When `identities` (an InventoryAnalysis's) was made after a change within lines: every identity outside [from, to)
 * is the object at the same index of `last` (the file's identities at its last analysis). What is derived per identity
 * from `last` holds for them (workspace-index.ts factsOf).
 */
export function identitiesSince(identities: readonly IdentitySummary[]): { last: readonly IdentitySummary[]; from: number; to: number } | undefined {
  const m = identitiesSinceMemo.get(identities);
  const last = m?.last.deref();
  return last ? { last, from: m!.from, to: m!.to } : undefined;
}

const NO_SUMMARIES: IdentitySummary[] = [];

/** A chunk's identities at line `dl`: shifted from where it last was, else from where its chunk reported them. */
function placedSummaries(res: ChunkResult, dl: number): IdentitySummary[] {
  if (!res.count) return NO_SUMMARIES;
  const last = res.last;
  if (last) return last.identities.map((x) => shiftSummary(x, dl - last.line));
  return res.identities!.map((x) => shiftSummary(x, dl));
}

/** A chunk's findings where it is (line `dl`): its own objects at line 0, else copies, kept while it stays there. */
function placedFindings(res: ChunkResult, dl: number): RawFinding[] {
  if (dl === 0) return res.findings;
  const last = res.lastFindings;
  if (last && last.line === dl) return last.findings;
  const findings = res.findings.map((f) => shiftFinding(f, dl));
  res.lastFindings = { line: dl, findings };
  return findings;
}

/** Stable merge of two lists each in compareFindings order (ties: `a`'s first). */
export function mergeSorted<F extends { range: Range; ruleId: string }>(a: readonly F[], b: readonly F[]): F[] {
  const out: F[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) out.push(compareFindings(b[j], a[i]) < 0 ? b[j++] : a[i++]);
  while (i < a.length) out.push(a[i++]);
  while (j < b.length) out.push(b[j++]);
  return out;
}

/**
 * What findingRuns made at a file's last analysis (by URI), for the next one after a change within lines: the regions
 * (their first lines, the wide findings of each: `order` from `starts[r]` to `starts[r + 1]`), what they were made of
 * (the header's and trailing part's runs, the item results, the wide list) and the runs (`runAt[r]`: the index in `runs`
 * of the first run of region r or after it).
 */
interface RunsKept {
  placed: Placed;
  header: FindingRun | undefined;
  trailing: FindingRun | undefined;
  first: number;
  count: number;
  itemResults: readonly ChunkResult[];
  wide: readonly RawFinding[];
  regionLines: number[];
  starts: number[];
  order: number[];
  runs: FindingRun[];
  runAt: number[];
}

const runsKept = new Map<string, RunsKept>();

/** What findingRuns reads to make the run of one region. */
interface Regions {
  first: number;
  lead: FindingRun[];
  trailing: FindingRun | undefined;
  itemCount: number;
  itemResults: readonly ChunkResult[];
  regionLines: number[];
  starts: number[];
  order: number[];
  wide: readonly RawFinding[];
}

/**
 * The runs of an inventory's findings: the header's, each identity's (its own findings and the wide units' on its
 * lines, relative to its first line: the same objects wherever it moves), the trailing part's. The order is that of a
 * stable sort of the reporter's whole list (header, items, trailing part, wide units) by compareFindings, or undefined
 * where the runs cannot give it (a finding sorting before the end of the run before it). An identity's run is the same
 * object while its findings are and it stays on its line; nothing is allocated for an identity that did not change.
 * With `keep` (a file's analysis with runs): after a change within lines (`keep.since`, the Placed of the last analysis,
 * whose runs were kept) with as many wide findings, each changed one in the region it was in, only the regions whose
 * item result or wide findings changed are made again and the last runs are copied around them.
 */
function findingRuns(
  outside: readonly { kind: InventoryChunk['kind']; run: FindingRun }[],
  itemLines: readonly number[],
  itemResults: readonly ChunkResult[],
  wide: readonly RawFinding[],
  keep?: { uri: string; placed: Placed | undefined; since: Placed | undefined },
): FindingRun[] | undefined {
  const header = outside.find((o) => o.kind === 'header')?.run;
  const trailing = outside.find((o) => o.kind === 'trailing')?.run;
  // Regions by first line: [line 0 before anything], [header], items, [trailing]; region r of the items is r - first.
  const lead: FindingRun[] = [];
  const firstLine = header?.line ?? itemLines[0] ?? trailing?.line ?? 0;
  if (firstLine > 0 || (!header && !itemLines.length && !trailing)) lead.push({ line: 0, findings: [] });
  if (header) lead.push(header);
  const first = lead.length;
  const count = first + itemLines.length + (trailing ? 1 : 0);
  const prior = keep ? runsKept.get(keep.uri) : undefined;
  if (keep) runsKept.delete(keep.uri);
  if (
    prior &&
    keep!.placed &&
    keep!.since === prior.placed &&
    prior.count === count &&
    prior.first === first &&
    sameRun(header, prior.header) &&
    sameRun(trailing, prior.trailing) &&
    prior.wide.length === wide.length
  ) {
    const runs = patchRuns(prior, itemResults, wide);
    if (runs !== null) {
      if (runs) runsKept.set(keep!.uri, { ...prior, placed: keep!.placed, header, trailing, itemResults, wide, runs });
      return runs;
    }
  }
  // (Plain arrays of small integers: typed arrays would allocate a backing store outside the heap per keystroke.)
  const regionLines: number[] = new Array(count);
  for (let r = 0; r < count; r++) {
    regionLines[r] = r < first ? lead[r].line : r < first + itemLines.length ? itemLines[r - first] : trailing!.line;
    if (r && regionLines[r] <= regionLines[r - 1]) return undefined;
  }
  // The wide findings of each region, in the order reported (a counting sort: `order` lists them region by region).
  const regionOf: number[] = new Array(wide.length);
  const starts: number[] = new Array(count + 1).fill(0);
  let r = 0;
  for (let k = 0; k < wide.length; k++) {
    const line = wide[k].range.start.line;
    // (Mostly in order: the units go through the identities in order.)
    if (!(regionLines[r] <= line && (r + 1 >= count || line < regionLines[r + 1]))) r = regionAt(regionLines, line);
    regionOf[k] = r;
    starts[r + 1]++;
  }
  for (let k = 0; k < count; k++) starts[k + 1] += starts[k];
  const order: number[] = new Array(wide.length);
  const next = starts.slice(0, count);
  for (let k = 0; k < wide.length; k++) order[next[regionOf[k]]++] = k;
  const g: Regions = { first, lead, trailing, itemCount: itemLines.length, itemResults, regionLines, starts, order, wide };
  const runs: FindingRun[] = new Array(count); // (cut to its length at the end)
  const runAt: number[] = new Array(count + 1);
  let made = 0;
  for (let i = 0; i < count; i++) {
    runAt[i] = made;
    const run = regionRun(g, i);
    if (!run) continue;
    const prev = made ? runs[made - 1] : undefined;
    if (prev && !placedBefore(prev.findings[prev.findings.length - 1], prev.line, run.findings[0], run.line)) return undefined;
    runs[made++] = run;
  }
  runAt[count] = made;
  runs.length = made;
  if (keep?.placed) runsKept.set(keep.uri, { placed: keep.placed, header, trailing, first, count, itemResults, wide, regionLines, starts, order, runs, runAt });
  if (runsKept.size > 64) runsKept.delete(runsKept.keys().next().value!);
  return runs;
}

/** The same header or trailing run: at the same line with the same findings (or neither there). */
function sameRun(a: FindingRun | undefined, b: FindingRun | undefined): boolean {
  return a === b || (!!a && !!b && a.line === b.line && a.findings === b.findings);
}

/** The region whose lines hold `line` (the last region starting at or before it; 0 when none does). */
function regionAt(regionLines: readonly number[], line: number): number {
  return lastAtMost(regionLines, line);
}

/**
 * findingRuns after a change within lines, from the runs it kept: the regions are those of the last analysis (same lines);
 * the regions whose item result changed, or holding a wide finding that is not the object at its index in the last list,
 * are made again, the other runs copied. Null when the kept regions do not hold (a changed wide finding in another region
 * than the one at its index before): findingRuns makes them all again. Undefined when the runs are out of order.
 */
function patchRuns(prior: RunsKept, itemResults: readonly ChunkResult[], wide: readonly RawFinding[]): FindingRun[] | undefined | null {
  const { regionLines, first, count } = prior;
  const changed: number[] = [];
  const lastWide = prior.wide;
  for (let k = 0; k < wide.length; k++) {
    if (wide[k] === lastWide[k]) continue;
    const r = regionAt(regionLines, wide[k].range.start.line);
    if (r !== regionAt(regionLines, lastWide[k].range.start.line)) return null;
    changed.push(r);
  }
  const lastResults = prior.itemResults;
  for (let k = 0; k < itemResults.length; k++) if (itemResults[k] !== lastResults[k]) changed.push(first + k);
  if (!changed.length) {
    const same = prior.runs.slice();
    runsPatches.set(same, { last: new WeakRef(prior.runs), at: [] });
    return same;
  }
  changed.sort((a, b) => a - b);
  const g: Regions = { first, lead: [], trailing: prior.trailing, itemCount: itemResults.length, itemResults, regionLines, starts: prior.starts, order: prior.order, wide };
  const runs = prior.runs.slice();
  let runAt = prior.runAt;
  /** The places of the runs replaced (none inserted or dropped: the runs are then the last ones with these replaced). */
  let replaced: number[] | undefined = [];
  for (let c = 0; c < changed.length; c++) {
    const i = changed[c];
    if (c && changed[c - 1] === i) continue;
    if (i < first) return null; // (a region before the items: no item or wide finding of the patch reaches there)
    const run = regionRun(g, i);
    const at = runAt[i];
    const had = runAt[i + 1] > at;
    const d = (run ? 1 : 0) - (had ? 1 : 0);
    if (run && had) {
      runs[at] = run;
      replaced?.push(at);
    } else if (run) runs.splice(at, 0, run);
    else if (had) runs.splice(at, 1);
    if (run ? !had : had) replaced = undefined;
    if (d) {
      if (runAt === prior.runAt) runAt = runAt.slice();
      for (let j = i + 1; j <= count; j++) runAt[j] += d;
    }
  }
  for (let c = 0; c < changed.length; c++) {
    const p = runAt[changed[c]];
    for (let q = Math.max(1, p); q <= p + 1 && q < runs.length; q++) {
      const x = runs[q - 1];
      const y = runs[q];
      if (!placedBefore(x.findings[x.findings.length - 1], x.line, y.findings[0], y.line)) return undefined;
    }
  }
  prior.runAt = runAt;
  if (replaced) runsPatches.set(runs, { last: new WeakRef(prior.runs), at: replaced });
  return runs;
}

/**
 * Runs lists patchRuns made: the list they were made from (held weakly: see identitiesSinceMemo), and the places replaced
 * (every other run is the same object).
 */
const runsPatches = new WeakMap<readonly FindingRun[], { last: WeakRef<readonly FindingRun[]>; at: readonly number[] }>();

/**
 * When `runs` (an InventoryAnalysis's) is the file's last runs list with the runs at `at` replaced (a typed character):
 * every other run is the object at the same place of `last`, so what was derived per run from `last` holds for them
 * (service.ts checkRuns).
 */
export function runsPatchOf(runs: readonly FindingRun[]): { last: readonly FindingRun[]; at: readonly number[] } | undefined {
  const m = runsPatches.get(runs);
  const last = m?.last.deref();
  return last ? { last, at: m!.at } : undefined;
}

/** The run of region `i` (undefined: no findings there); an item's run is the same object while its findings are and it stays on its line. */
function regionRun(g: Regions, i: number): FindingRun | undefined {
  const { first, lead, wide, order } = g;
  const line = g.regionLines[i];
  const c = i >= first && i < first + g.itemCount ? g.itemResults[i - first] : undefined;
  const own = c ? c.findings : i < first ? lead[i].findings : g.trailing!.findings;
  const from = g.starts[i];
  const n = g.starts[i + 1] - from;
  let findings = own;
  if (n) {
    const kept = c?.wide;
    let same = !!kept && kept.line === line && kept.abs.length === n;
    for (let k = 0; same && k < n; k++) same = kept!.abs[k] === wide[order[from + k]];
    if (same) findings = kept!.run;
    else {
      const abs: RawFinding[] = new Array(n);
      const rel: RawFinding[] = new Array(n);
      let sameRel = !!kept && kept.rel.length === n;
      for (let k = 0; k < n; k++) {
        const f = (abs[k] = wide[order[from + k]]);
        const old = kept?.rel[k];
        rel[k] = old !== undefined && samePlaced(old, f, line) ? old : shiftFinding(f, -line);
        if (rel[k] !== old) sameRel = false;
      }
      const run = sameRel ? kept!.run : mergeSorted(own, rel.slice().sort(compareFindings));
      if (c) c.wide = { line, abs, rel: sameRel ? kept!.rel : rel, run };
      findings = run;
    }
  } else if (c?.wide) c.wide = undefined;
  if (!findings.length) return undefined;
  if (c) {
    const kept = c.run;
    return kept && kept.line === line && kept.findings === findings ? kept : (c.run = { line, findings });
  }
  return i < first && findings === lead[i].findings ? lead[i] : { line, findings };
}

/** Is `f` (in file coordinates) the finding `rel` (relative to line `line`) placed there? (intern.ts sameFinding, shifted.) */
function samePlaced(rel: RawFinding, f: RawFinding, line: number): boolean {
  const x = rel.range;
  const y = f.range;
  return (
    rel.ruleId === f.ruleId &&
    x.start.line + line === y.start.line &&
    x.start.character === y.start.character &&
    x.end.line + line === y.end.line &&
    x.end.character === y.end.character &&
    rel.message === f.message &&
    sameValue(rel.data, f.data) &&
    sameValue(rel.suppressed, f.suppressed) &&
    'data' in rel === 'data' in f &&
    'suppressed' in rel === 'suppressed' in f &&
    (rel.fixes.length === 0 && f.fixes.length === 0 ? true : sameValue(rel.fixes, shiftFinding(f, -line).fixes))
  );
}

/**
 * Checks and caches the identities of an inventory a few at a time, until `stop()` says so; returns
 * true when every identity is cached (the next analysis is then fast). Lets a host keep answering
 * while it opens a large file: call it between events until it returns true.
 */
export function warmInventory(text: string, lines: LineIndex, config: Config, stop: () => boolean): boolean {
  // The cut and the position reached survive between calls for the same text: a slice must not start
  // by re-splitting a 12 MB file.
  let st = warmState;
  if (!st || st.text !== text || st.config !== config) {
    const chunks = splitInventory(text, lines.lineStarts);
    if (chunks[0].kind === 'whole') return true;
    const header = chunks.find((c) => c.kind === 'header');
    const defaults = header ? checkOutside(text.slice(header.start, header.end), true, config).defaults : {};
    st = warmState = { text, config, chunks, next: 0, defaults, today: todayOf(config), eol: lines.eol };
  }
  const { ctx } = contextCache(st.defaults, config, st.today, st.eol);
  for (; st.next < st.chunks.length; st.next++) {
    const chunk = st.chunks[st.next];
    if (chunk.kind !== 'item') continue;
    const chunkText = text.slice(chunk.start, chunk.end);
    if (ctx.get(chunkText)) continue;
    if (stop()) return false;
    const own = detach(chunkText);
    ctx.set(own, checkChunk(own, st.defaults, config, st.today, st.eol));
  }
  warmState = undefined;
  return true;
}

/** Where warmInventory stopped (one file at a time: the host warms one file until it is ready). */
let warmState:
  | { text: string; config: Config; chunks: InventoryChunk[]; next: number; defaults: Record<string, unknown>; today: string; eol: string }
  | undefined;

/** References of a chunk, offsets relative to `base` (shifted only when someone asks for them). */
export interface RefSection {
  base: number;
  refs: readonly ControlRef[];
}

function materialize(sections: readonly RefSection[]): ControlRef[] {
  const out: ControlRef[] = [];
  for (const s of sections) for (const ref of s.refs) out.push(s.base === 0 ? ref : shiftRef(ref, s.base));
  return out;
}

/** The chunks of each file's last analysis (by URI), for reuse by position. */
const lastRun = new Map<string, { ctxKey: string; results: ChunkResult[]; text: TextSource; cut: PreviousCut; placed?: Placed }>();

/**
 * Where a file's last analysis placed its items (with options.runs): each item's line and identities where it was, and
 * the identity lists the driver made from them (`at[k]`: the index of item k's first identity in them). Never mutated:
 * the next analysis copies what it changes.
 */
interface Placed {
  itemLines: number[];
  placedOf: IdentitySummary[][];
  at: number[];
  identities: IdentitySummary[];
  placedIdentities: IdentityRecord[];
  placedLines: number[];
  /** The items' secret-inline findings where they are (the next typed character reuses them unless it touches one). */
  itemSecrets?: readonly RawFinding[];
  /** How many items have a syntax error. */
  syntaxItems?: number;
}

/** Drops what is kept of a file's last analysis (it was closed). */
export function forgetInventory(uri: string): void {
  lastRun.delete(uri);
  wideKept.delete(uri);
  runsKept.delete(uri);
}

/** The result of a part outside the identities (header, trailing part); relative to the part, as ChunkResult. */
interface OutsideResult {
  findings: RawFinding[];
  refs: ControlRef[];
  /** The header's `defaults` ({} for other parts). */
  defaults: Record<string, unknown>;
}

/** Results of the parts outside the identities, by frameworks and kind, then by text (a keystroke in an identity re-parses no header). */
const outsideCache = new Map<string, LruCache<OutsideResult>>();

/** Parses and checks the header or the trailing part of an inventory (cached by text). */
function checkOutside(partText: string, header: boolean, config: Config, inlineLimit = Infinity): OutsideResult {
  const key = `${header ? 'header' : 'other'}:${config.frameworks.join(',')}`;
  let byText = outsideCache.get(key);
  if (!byText) {
    if (outsideCache.size >= CONTEXTS) outsideCache.clear();
    outsideCache.set(key, (byText = new LruCache<OutsideResult>(8)));
  }
  let res = byText.get(partText);
  if (res) return res;
  if (partText.length >= inlineLimit) throw WOULD_BLOCK;
  const own = detach(partText);
  const { r, doc, refs } = parsePart(own, config);
  let defaults: Record<string, unknown> = {};
  if (header) {
    const parts = partsOf(doc);
    defaults = parts.defaults;
    if (parts.defaultsNode) checkDefaults(parts.defaultsNode, 0, r);
  }
  maskMessages(r.findings, r.lines);
  r.findings.sort(compareFindings);
  byText.set(own, (res = { findings: r.findings, refs, defaults }));
  return res;
}

/** Parses a part of an inventory on its own (syntax, control references, inline secrets); results relative to it. */
function parsePart(text: string, config: Config): { r: Reporter; doc: Document.Parsed; refs: ControlRef[] } {
  const r = new Reporter(new LineIndex(text));
  const { doc, refs } = analyzeYaml(text, 0, config, r);
  runTextRules(text, 0, r);
  return { r, doc, refs };
}

/** Parses one identity chunk and checks it; ranges relative to the chunk. */
function checkChunk(chunkText: string, defaults: Record<string, unknown>, config: Config, today: string, eol: string): ChunkResult {
  const { r, doc, refs } = parsePart(chunkText, config);
  const lines = r.lines;
  const identities: IdentitySummary[] = [];
  const items = isSeq(doc.contents) ? doc.contents.items : [];
  for (const item of items) {
    if (!isMap(item) || !item.range) continue;
    identities.push(summary(checkIdentity({ map: item, base: 0, defaults, config, today, eol }, r), item, chunkText, lines));
  }
  maskMessages(r.findings, r.lines);
  r.findings.sort(compareFindings); // (in the order the service gives them: a file's findings are then runs already sorted)
  // (Kept for as long as the chunk is cached: lists cut to their length. A list grown by push keeps room for 17
  // entries, ~150 bytes, where one or two are used: ~12 MiB at 20,000 identities over these and the summaries' lists.)
  const secrets = r.findings.filter((f) => f.ruleId === secretInline.id);
  return { text: chunkText, findings: r.findings.slice(), refs: refs.slice(), identities: identities.slice(), count: identities.length, rel: identities.map(() => ({})), last: undefined, secrets: secrets.length ? secrets : NONE, syntax: r.findings.some((f) => f.ruleId === syntaxError.id) };
}

function summary(f: IdentityFacts, item: YAMLMap, text: string, lines: LineIndex): IdentitySummary {
  const start = item.range![0];
  let end = item.range![1];
  while (end > start && /\s/.test(text[end - 1])) end--;
  const out: IdentitySummary = { range: lines.range(start, end), owners: f.owners.slice(), consumers: f.consumers.slice(), controls: f.controls.slice() };
  if (f.id !== undefined) {
    out.id = f.id;
    out.idRange = lines.range(f.idStart!, f.idEnd!);
  }
  if (f.name !== undefined) out.name = f.name;
  if (f.type !== undefined) out.type = f.type;
  if (f.status !== undefined) out.status = f.status;
  if (f.lastReviewed !== undefined) out.lastReviewed = f.lastReviewed;
  if (f.history !== undefined) out.history = f.history;
  if (f.links?.length) out.links = f.links.map((l) => placedLink(l, lines.range(l.start, l.end)));
  if (f.sources?.length) out.sources = f.sources.map((x) => ({ value: x.value, range: lines.range(x.start, x.end) }));
  return out;
}

/**
 * A link with its range, written as literals (the same keys in the same order as `{ ...link, range }`): kept per
 * identity, and a spread at a site that meets many shapes gives each object a hidden class of its own on Node 20's V8
 * (~200 bytes more a link: ~8 MiB at 20,000 identities, in heap snapshots).
 */
function placedLink(l: Omit<IdentityLink, 'range'>, range: Range): IdentityLink {
  const { of, path, anchor, value } = l;
  if (l.inherited) return anchor !== undefined ? { of, path, anchor, value, inherited: l.inherited, range } : { of, path, value, inherited: l.inherited, range };
  return anchor !== undefined ? { of, path, anchor, value, range } : { of, path, value, range };
}


function shiftSummary(s: IdentitySummary, dl: number): IdentitySummary {
  if (dl === 0) return s;
  const out = { ...s, range: shiftRange(s.range, dl) };
  if (s.idRange) out.idRange = shiftRange(s.idRange, dl);
  if (s.links) out.links = s.links.map((l) => placedLink(l, shiftRange(l.range, dl)));
  if (s.sources) out.sources = s.sources.map((x) => ({ value: x.value, range: shiftRange(x.range, dl) }));
  return out;
}

/** What the editor and the workspace keep of an identity (offsets in `r`'s document): a summary before its ranges. */
type IdentityFacts = Omit<IdentitySummary, 'range' | 'idRange' | 'links' | 'sources'> & { idStart?: number; idEnd?: number; links?: IdentityLinkAt[]; sources?: { value: string; start: number; end: number }[] };

/** The identity's own `source:` values (one scalar or a list of them), with their offsets. */
function sourcesOf(c: IdentityContext): { value: string; start: number; end: number }[] {
  const e = c.own('source');
  if (!e) return [];
  const out: { value: string; start: number; end: number }[] = [];
  const add = (n: unknown, start: number, end: number) => {
    if (!isScalar(n) || (typeof n.value !== 'string' && typeof n.value !== 'number')) return;
    const value = String(n.value).trim();
    if (value && !isPlaceholderValue(value)) out.push({ value, start, end });
  };
  if (isScalar(e.value)) add(e.value, e.valueStart, e.valueEnd);
  else if (isSeq(e.value)) for (const i of e.value.items) if (isScalar(i) && i.range) add(i, c.base + i.range[0], c.base + i.range[1]);
  return out;
}

/** Runs every unit that reads an identity on one identity, and returns its facts. */
function checkIdentity(inp: IdentityInput, r: Reporter): IdentityFacts {
  const c = new IdentityContext(inp, r);
  for (const u of unitsReading('identity')) u.identity!(c);
  const name = c.effText('name');
  const history = recordedHistory((k) => c.own(k), c.defaults, c.today, c.longLived);
  const reviewed = history.reviews[history.reviews.length - 1];
  const said = history.reviews.length || history.rotations.length || history.reviewCadenceDays || history.rotationCadenceDays;
  const links = c.links();
  const sources = sourcesOf(c);
  // (Assigned in order, the optional fields only when set: one identity after another, spreads of little objects cost.)
  const f = {} as IdentityFacts;
  if (links.length) f.links = links;
  if (sources.length) f.sources = sources;
  if (c.id !== undefined) {
    f.id = c.id;
    f.idStart = c.idEntry!.valueStart;
    f.idEnd = c.idEntry!.valueEnd;
  }
  if (name) f.name = name;
  if (c.type) f.type = c.type;
  if (c.status !== undefined) f.status = c.status;
  f.owners = identityOwners(c.m, c.defaults);
  f.consumers = c.effList('used_by');
  f.controls = c.controls;
  if (reviewed) f.lastReviewed = reviewed;
  if (said) f.history = history;
  return f;
}

/** Runs every unit that reads the inventory's `defaults:`. */
function checkDefaults(node: YAMLMap, base: number, r: Reporter): void {
  const c = { m: new YamlMapping(node, base, r), r };
  for (const u of unitsReading('defaults')) u.defaults!(c);
}
