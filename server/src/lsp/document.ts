/**
 * The open documents of the LSP adapter: a TextDocument (the interface `TextDocuments` manages) whose
 * line index is the core's LineIndex. An incremental change shifts the index (LineIndex.afterChange)
 * and the same index goes to the core with the text, so one index serves the protocol's positions and
 * the analysis. With the library's TextDocument, a 40,000-line file had a second index, kept as a large
 * array, scanned in full on the first position asked after the open (25 ms) and shifted on each change.
 *
 * The text is a PieceText: a change makes a new version of pieces of the strings it already has, not a copy of the
 * whole text; `getText()` builds the string once per version, when something asks for it (the engine's keystroke path
 * reads `source`).
 *
 * Positions and offsets mean what they mean in vscode-languageserver-textdocument (tested against it on
 * random edits): \n, \r\n and a lone \r end lines; a position past the end of a line is the line's end.
 */
import type { Position, Range, TextDocument, TextDocumentContentChangeEvent } from 'vscode-languageserver-textdocument';
import { LineIndex, PieceText } from '../core/text';

export class IndexedDocument implements TextDocument {
  private content: PieceText;
  private index: LineIndex | undefined;

  constructor(
    readonly uri: string,
    readonly languageId: string,
    private _version: number,
    content: string,
  ) {
    this.content = PieceText.of(content);
  }

  static create(uri: string, languageId: string, version: number, content: string): IndexedDocument {
    return new IndexedDocument(uri, languageId, version, content);
  }

  get version(): number {
    return this._version;
  }

  /** The text of this version, as pieces (what the engine reads on its incremental paths). */
  get source(): PieceText {
    return this.content;
  }

  /** The line index of the current text (built on first use after an open or a full change). */
  get lines(): LineIndex {
    return (this.index ??= new LineIndex(this.content));
  }

  get lineCount(): number {
    return this.lines.lineCount;
  }

  getText(range?: Range): string {
    if (!range) return this.content.toString();
    const start = this.offsetAt(range.start);
    const end = this.offsetAt(range.end);
    return this.content.slice(Math.min(start, end), Math.max(start, end));
  }

  offsetAt(position: Position): number {
    return this.lines.offsetAt(position);
  }

  positionAt(offset: number): Position {
    const lines = this.lines;
    const { line } = lines.positionAt(offset);
    // (an offset inside a line break counts as the end of the line, as in the library)
    return { line, character: Math.min(Math.max(0, offset), lines.lineEnd(line)) - lines.lineStarts[line] };
  }

  getLineRange(line: number): Range {
    const lines = this.lines;
    if (line < 0) return { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    if (line >= lines.lineCount) {
      const last = lines.lineCount - 1;
      return { start: { line: last, character: 0 }, end: { line: last, character: this.content.length - lines.lineStarts[last] } };
    }
    return { start: { line, character: 0 }, end: { line, character: lines.lineEnd(line) - lines.lineStarts[line] } };
  }

  getEOLCharacters(line: number): string {
    const lines = this.lines;
    if (line < 0 || line >= lines.lineCount) return '';
    const next = line + 1 < lines.lineCount ? lines.lineStarts[line + 1] : this.content.length;
    return this.content.slice(lines.lineEnd(line), next);
  }

  /**
   * Applies `changes` in order. For each incremental one, `onChange` is told the offsets it replaced in
   * the text before it (what IsmsService.noteChange takes).
   */
  update(changes: readonly TextDocumentContentChangeEvent[], version: number, onChange?: (start: number, oldEnd: number, text: string) => void): void {
    for (const c of changes) {
      if ('range' in c) {
        let start = this.offsetAt(c.range.start);
        let end = this.offsetAt(c.range.end);
        if (end < start) [start, end] = [end, start];
        onChange?.(start, end, c.text);
        const before = this.lines;
        this.content = this.content.edit(start, end, c.text);
        this.index = LineIndex.afterChange(before, this.content, { start, oldEnd: end, newEnd: start + c.text.length });
      } else {
        this.content = PieceText.of(c.text);
        this.index = undefined;
      }
    }
    this._version = version;
  }
}
