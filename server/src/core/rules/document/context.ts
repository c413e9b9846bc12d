/**
 * The context of the document rules: one process document's front matter (entries by canonical key, the
 * document type, the key spellings accepted), its H1, and the facts of every section of its body.
 */
import type { Document } from 'yaml';
import type { Config } from '../../config';
import { aliasesOf, canonicalKey, DOCUMENT_TYPES } from '../../lang/document-schema';
import { readFrontMatter, scalarString, type FmEntry, type FrontMatter, type Heading } from '../../lang/document';
import type { BodyFacts } from '../../lang/markdown-body';
import type { Reporter } from '../../report';
import type { LineIndex } from '../../text';
import type { FileHost } from '../../types';

export class DocumentContext {
  /** The front matter as read (undefined when the document has none). */
  readonly front?: FrontMatter;
  /** Front matter entries by canonical key (the first entry of each; aliases read as their key). */
  readonly byKey = new Map<string, FmEntry>();
  /** The document type (lower case), as written in `type:` or an alias, when it is one of ours (else undefined). */
  readonly type?: string;
  /** Alias -> canonical key: the defaults and the repository's `documents.keyAliases`. */
  readonly aliases: Record<string, string>;
  /** The aliases the repository configured (its chosen spelling, accepted silently). */
  readonly configured: ReadonlySet<string>;
  readonly h1?: Heading;

  constructor(
    readonly text: string,
    readonly lines: LineIndex,
    fm: { start: number; end: number; doc: Document } | undefined,
    readonly config: Config,
    readonly r: Reporter,
    readonly body: BodyFacts,
    readonly host?: FileHost,
    readonly uri = '',
  ) {
    this.front = fm ? readFrontMatter(text, lines, fm) : undefined;
    this.h1 = body.headings.find((h) => h.level === 1);
    this.aliases = aliasesOf(config);
    this.configured = new Set(Object.keys(config.documents.keyAliases).map((k) => k.toLowerCase()));
    if (this.front && !this.front.broken) {
      for (const e of this.front.entries) {
        const canonical = canonicalKey(e.key, this.aliases);
        if (canonical && !this.byKey.has(canonical)) this.byKey.set(canonical, e);
      }
    }
    const written = scalarString(this.byKey.get('type')?.value ?? null)?.toLowerCase();
    // Only our types (and those the repository configured sections for) are types: a site's `type: learn` is not.
    if (written && ((DOCUMENT_TYPES as readonly string[]).includes(written) || written in config.documents.requiredSections)) this.type = written;
  }

  /** A front matter that parsed (possibly empty). */
  get readable(): FrontMatter | undefined {
    return this.front && !this.front.broken ? this.front : undefined;
  }
}
