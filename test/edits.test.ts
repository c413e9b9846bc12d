/**
 * Known changes: an editor tells the service where each keystroke changed the text, and the next
 * analysis re-indexes lines and re-cuts inventory items around it only. What that gives must equal
 * what a scan of the whole text gives, on random edit sequences; and a change that does not describe
 * the texts must be ignored, never trusted.
 */
import * as assert from 'node:assert/strict';
import { server } from './helpers/root';
import { prng } from './helpers/prng';

const { LineIndex, PieceText } = server('core/text.js');
const { splitInventory, splitInventoryAfterChange } = server('core/lang/inventory.js');
const { sectionStarts, sectionStartsAfterEdit } = server('core/lang/markdown-body.js');
const { IsmsService } = server('core/service.js');
const { defaultConfig } = server('core/config.js');
const { IndexedDocument } = server('lsp/document.js');
const { shiftFinding } = server('core/chunks.js');
const { yamlOutline } = server('core/editor/outline.js');
const { TextDocument } = require('vscode-languageserver-textdocument');

interface Change {
  start: number;
  oldEnd: number;
  newEnd: number;
}

/** A random edit of `text`: the new text and the change that describes it. */
function randomEdit(rand: () => number, text: string, alphabet: string[]): { text: string; change: Change; inserted: string } {
  const start = Math.floor(rand() * (text.length + 1));
  const removed = rand() < 0.4 ? Math.min(text.length - start, 1 + Math.floor(rand() * 4)) : 0;
  const inserted = rand() < 0.8 || removed === 0 ? alphabet[Math.floor(rand() * alphabet.length)] : '';
  return {
    text: text.slice(0, start) + inserted + text.slice(start + removed),
    change: { start, oldEnd: start + removed, newEnd: start + inserted.length },
    inserted,
  };
}

function identity(i: number, rand: () => number): string {
  const extra = [
    '',
    '    # a comment line\n',
    '\n',
    '    purpose: |\n      - not an item\n      second line\n',
    '    scopes:\n      - s3:GetObject\n      - sqs:Send\n',
    '    used_by: [a, b]\n',
  ][Math.floor(rand() * 6)];
  return `  - id: svc-${i}\n    owner: team@example.com\n${extra}    controls: [CSF:PR.AA-01, PR.AC-4]\n`;
}

function inventory(rand: () => number, n: number, eol = '\n'): string {
  let out = 'kind: nhi-inventory\ndefaults: { environment: prod }\nidentities:\n';
  for (let i = 0; i < n; i++) out += identity(i, rand);
  if (rand() < 0.5) out += 'trailing: 1\n';
  return eol === '\n' ? out : out.replace(/\n/g, eol);
}

const ALPHABET = ['a', ' ', '  ', '\n', '\r\n', '\r', '-', '- ', '#', ':', '\t', '&a', '*', '[', ']', '"', 'x: y\n', '  - id: new\n', 'identities:\n', '---\n'];

describe('known changes: incremental line index and inventory cut', function () {
  this.timeout(60000);

  it('LineIndex.afterChange equals a fresh index, with \\n, \\r\\n and lone \\r', () => {
    const rand = prng(11);
    for (const eol of ['\n', '\r\n']) {
      let text = inventory(rand, 30, eol);
      let lines = new LineIndex(text);
      for (let step = 0; step < 1500; step++) {
        const e = randomEdit(rand, text, ALPHABET);
        if (step % 2) void lines.eol; // (the count of "\r\n" kept across changes once known, and counted afresh when not)
        const next = LineIndex.afterChange(lines, e.text, e.change);
        const fresh = new LineIndex(e.text);
        assert.deepEqual(next.lineStarts, fresh.lineStarts, `step ${step}: ${JSON.stringify(e.change)} ${JSON.stringify(e.inserted)}`);
        assert.equal(next.eol, fresh.eol, `step ${step}: eol`);
        text = e.text;
        lines = next;
      }
    }
  });

  it('an inventory re-cut around a change equals a cut of the whole text', () => {
    let recut = 0;
    let steps = 0;
    for (const seed of [1, 2, 3, 4]) {
      const rand = prng(seed);
      let text = inventory(rand, 40, seed === 4 ? '\r\n' : '\n');
      for (let step = 0; step < 400; step++) {
        const e = randomEdit(rand, text, ALPHABET);
        const chunks = splitInventoryAfterChange(text, e.text, e.change);
        if (splitInventory(text)[0].kind !== 'whole' && splitInventory(e.text)[0].kind !== 'whole') steps++;
        if (chunks) {
          recut++;
          assert.deepEqual(chunks, splitInventory(e.text), `seed ${seed} step ${step}: ${JSON.stringify(e.change)} ${JSON.stringify(e.inserted)}`);
        }
        text = e.text;
        // Keep the document an inventory most of the time (random edits break it eventually).
        if (splitInventory(text)[0].kind === 'whole' && rand() < 0.5) text = inventory(rand, 40);
      }
    }
    // Most changes between two cuttable texts are re-cut locally (the test would pass vacuously otherwise).
    assert.ok(recut > steps / 2, `${recut} of ${steps} re-cut locally`);
  });

  it('a Markdown body re-cut around a change equals a cut of the whole text (fences, comments, long sections)', () => {
    const MD = ['a', ' ', '\n', '\n\n', '\r\n', '#', '# ', '## T\n', '```', '```\n', '~~~\n', '<!--', '-->', '    ', 'x', 'Para graph\n', '\n\nNew paragraph\n'];
    const block = (rand: () => number, i: number): string => {
      const parts = [`## Step ${i}\n\nSome prose ${i}.\n\n`];
      const r = rand();
      if (r < 0.15) parts.push('```\n# not a heading\n```\n\n');
      else if (r < 0.25) parts.push('<!-- a comment\n# not a heading\n-->\n\n');
      else if (r < 0.35) parts.push('~~~~\ncode\n~~~\n~~~~\n\n');
      else if (r < 0.45) for (let k = 0; k < 70; k++) parts.push(k % 5 === 0 ? '\nA paragraph line\n' : 'more text\n');
      return parts.join('');
    };
    const doc = (rand: () => number) => `# Title\n\n${Array.from({ length: 12 }, (_, i) => block(rand, i)).join('')}`;
    let steps = 0;
    for (const seed of [1, 2, 3, 4, 5]) {
      const rand = prng(seed);
      let text = doc(rand);
      for (let step = 0; step < 300; step++) {
        const e = randomEdit(rand, text, MD);
        const fromLine = seed === 5 ? 2 : 0;
        const want = sectionStarts(new LineIndex(e.text), Math.min(fromLine, new LineIndex(e.text).lineCount - 1));
        if (fromLine < new LineIndex(text).lineCount && fromLine < new LineIndex(e.text).lineCount) {
          assert.deepEqual(sectionStartsAfterEdit(text, e.text, e.change, fromLine), want, `seed ${seed} step ${step}: ${JSON.stringify(e.change)} ${JSON.stringify(e.inserted)}`);
          steps++;
        }
        text = rand() < 0.02 ? doc(rand) : e.text;
      }
    }
    assert.ok(steps > 1000);
  });

  it('declines to re-cut a change that reaches the header or could end the sequence', () => {
    const rand = prng(5);
    const text = inventory(rand, 5);
    const header = text.indexOf('identities:');
    assert.equal(splitInventoryAfterChange(text, text.slice(0, header) + 'x' + text.slice(header), { start: header, oldEnd: header, newEnd: header + 1 }), undefined);
    const item = text.indexOf('  - id: svc-2');
    // "x" at column 0 of an item line makes a top-level key: the rest of the file is cut differently.
    const broken = text.slice(0, item) + 'x' + text.slice(item);
    assert.equal(splitInventoryAfterChange(text, broken, { start: item, oldEnd: item, newEnd: item + 1 }), undefined);
    const inValue = text.indexOf('team@', item) + 2;
    const typed = text.slice(0, inValue) + 'x' + text.slice(inValue);
    assert.deepEqual(splitInventoryAfterChange(text, typed, { start: inValue, oldEnd: inValue, newEnd: inValue + 1 }), splitInventory(typed));
  });

  const cfg = defaultConfig();
  cfg.today = '2026-11-23';
  const view = (findings: any[]) => findings.map((f) => JSON.stringify(f));

  for (const kind of ['inventory', 'document'] as const) {
    it(`the service, told every change, equals a fresh service (${kind}, random edits)`, () => {
      const uri = kind === 'inventory' ? 'file:///ws/a.nhi.yaml' : 'file:///ws/runbooks/r.md';
      const rand = prng(kind === 'inventory' ? 21 : 22);
      let text =
        kind === 'inventory'
          ? inventory(rand, 30)
          : '---\ntype: runbook\nowner: a@example.com\ncontrols: [NHI7]\n---\n# Title\n\n## Steps\n\nRotate under PR.AA-01.\n\n```\nPR.AC-4\n```\n\n## Evidence\n\nRecords kept.\n';
      const svc = new IsmsService({ relativePath: (u: string) => u.replace('file:///ws/', '') }, cfg);
      svc.check({ uri, text });
      for (let step = 0; step < 300; step++) {
        // Several changes between two checks, as a burst of keystrokes gives.
        for (let n = 1 + Math.floor(rand() * 3); n > 0; n--) {
          const e = randomEdit(rand, text, ALPHABET);
          svc.noteChange(uri, e.change.start, e.change.oldEnd, e.inserted);
          text = e.text;
        }
        const fresh = new IsmsService({ relativePath: (u: string) => u.replace('file:///ws/', '') }, cfg);
        assert.deepEqual(view(svc.check({ uri, text })), view(fresh.check({ uri, text })), `step ${step}`);
        assert.deepEqual(svc.analysis({ uri, text }).lines.lineStarts, new LineIndex(text).lineStarts);
        if (kind === 'inventory' && splitInventory(text)[0].kind === 'whole' && rand() < 0.3) text = inventory(rand, 30);
      }
    });
  }

  it('ignores a change that does not describe the texts', () => {
    const uri = 'file:///ws/b.nhi.yaml';
    const rand = prng(9);
    const text = inventory(rand, 10);
    const svc = new IsmsService({ relativePath: (u: string) => u.replace('file:///ws/', '') }, cfg);
    svc.check({ uri, text });
    // The file really gained a line at the top of svc-3, but the service is told of a character elsewhere.
    const at = text.indexOf('  - id: svc-3');
    const edited = text.slice(0, at) + '  - id: extra\n' + text.slice(at);
    svc.noteChange(uri, 5, 5, 'z');
    const fresh = new IsmsService({ relativePath: (u: string) => u.replace('file:///ws/', '') }, cfg);
    assert.deepEqual(view(svc.check({ uri, text: edited })), view(fresh.check({ uri, text: edited })));
    assert.equal(svc.analysis({ uri, text: edited }).identities.length, 11);
  });

  it('PieceText: every version reads as the string it stands for; changeBetween any two says where they differ', () => {
    const rand = prng(31);
    for (const start of [inventory(rand, 12), '', 'x']) {
      const versions: { p: any; s: string }[] = [{ p: PieceText.of(start), s: start }];
      let checked = 0;
      let whole = 0;
      for (let step = 0; step < 600; step++) {
        // Edit the newest version mostly, an older one sometimes (an undo, the rehearsal's sibling versions).
        const from = rand() < 0.85 ? versions[versions.length - 1] : versions[Math.floor(rand() * versions.length)];
        const e = randomEdit(rand, from.s, ALPHABET);
        const p = from.p.edit(e.change.start, e.change.oldEnd, e.inserted);
        versions.push({ p, s: e.text });
        if (rand() < 0.03) void versions[Math.floor(rand() * versions.length)].p.toString(); // (made whole: a hover asked)
        for (let k = 0; k < 4; k++) {
          const v = versions[Math.floor(rand() * versions.length)];
          assert.equal(v.p.length, v.s.length);
          const a = Math.floor(rand() * (v.s.length + 2)) - 1;
          const b = a + Math.floor(rand() * 30) - 5;
          assert.equal(v.p.slice(a, b), v.s.slice(a, b), `slice(${a}, ${b}) at step ${step}`);
          assert.equal(v.p.slice(a), v.s.slice(a));
          assert.ok(Object.is(v.p.charCodeAt(a), v.s.charCodeAt(a)), `charCodeAt(${a}) at step ${step}`);
        }
        // (The last edit half the time: the change a keystroke makes, also where an edit made the text whole again.)
        const last = rand() < 0.5;
        const x = last ? versions[versions.length - 1] : versions[Math.floor(rand() * versions.length)];
        const y = last ? from : versions[Math.floor(rand() * versions.length)];
        const c = PieceText.changeBetween(y.p, x.p);
        if (c) {
          // (outside the region, the same text; the region within both)
          assert.ok(c.start <= c.oldEnd && c.start <= c.newEnd && c.oldEnd <= y.s.length && c.newEnd <= x.s.length, JSON.stringify(c));
          assert.equal(y.s.slice(0, c.start), x.s.slice(0, c.start), `prefix, step ${step}`);
          assert.equal(y.s.slice(c.oldEnd), x.s.slice(c.newEnd), `suffix, step ${step}`);
          checked++;
        }
        assert.ok(p.pieceCount <= 97, `${p.pieceCount} pieces`);
        if (from.p.pieceCount > 1 && p.pieceCount === 1) whole++;
      }
      for (const v of versions) assert.equal(v.p.toString(), v.s);
      if (start.length > 100) assert.ok(checked > 300, `${checked} changes known from pieces`);
      if (start.length > 100) assert.ok(whole > 0, 'no edit made the text whole again (more pieces than kept)');
    }
    // A change and its undo: versions of the same text, and the typed character's place exactly.
    const base = PieceText.of('abc\ndef\n');
    const typed = base.edit(5, 5, 'X');
    assert.deepEqual(PieceText.changeBetween(base, typed), { start: 5, oldEnd: 5, newEnd: 6 });
    assert.deepEqual(PieceText.changeBetween(typed, typed.edit(5, 6, '')), { start: 5, oldEnd: 6, newEnd: 5 });
    assert.deepEqual(PieceText.changeBetween(base, typed.edit(5, 6, '')), { start: 8, oldEnd: 8, newEnd: 8 });
    // Characters typed at many places: past the pieces kept, an edit makes the text whole, and still says its change.
    let v = PieceText.of('x'.repeat(1000));
    let model = 'x'.repeat(1000);
    let at = 0;
    while (v.pieceCount > 1 || at === 0) {
      const before = v;
      at += 7;
      v = v.edit(at, at, 'y');
      model = model.slice(0, at) + 'y' + model.slice(at);
      if (v.pieceCount === 1) assert.deepEqual(PieceText.changeBetween(before, v), { start: at, oldEnd: at, newEnd: at + 1 });
    }
    assert.ok(at > 7 * 40, `made whole after ${at / 7} edits`);
    assert.equal(v.toString(), model);
  });

  for (const kind of ['inventory', 'document'] as const) {
    it(`the service, given an editor's pieces and told nothing, equals a fresh service (${kind}, random edits)`, () => {
      const uri = kind === 'inventory' ? 'file:///ws/p.nhi.yaml' : 'file:///ws/runbooks/p.md';
      const rand = prng(kind === 'inventory' ? 41 : 42);
      let text =
        kind === 'inventory'
          ? inventory(rand, 30)
          : '---\ntype: runbook\nowner: a@example.com\ncontrols: [NHI7]\n---\n# Title\n\n## Steps\n\nRotate under PR.AA-01.\n\n```\nPR.AC-4\n```\n\n## Evidence\n\nRecords kept.\n';
      // (Items under a key with a list of them before, and items at the root: no key holds them, the outline has none.)
      if (kind === 'inventory') text = text.replace('identities:\n', 'tags:\n  - id: not-an-identity\nidentities:\n');
      let source = PieceText.of(text);
      let lines = new LineIndex(source);
      const file = () => {
        const src = source;
        return { uri, source: src, lines, get text() { return src.toString(); } };
      };
      const svc = new IsmsService({ relativePath: (u: string) => u.replace('file:///ws/', '') }, cfg);
      svc.check(file());
      for (let step = 0; step < 300; step++) {
        for (let n = 1 + Math.floor(rand() * 3); n > 0; n--) {
          const e = randomEdit(rand, text, ALPHABET);
          const before = lines;
          source = source.edit(e.change.start, e.change.oldEnd, e.inserted);
          lines = LineIndex.afterChange(before, source, e.change);
          text = e.text;
        }
        const fresh = new IsmsService({ relativePath: (u: string) => u.replace('file:///ws/', '') }, cfg);
        assert.deepEqual(view(svc.check(file())), view(fresh.check({ uri, text })), `step ${step}`);
        assert.deepEqual(svc.analysis(file()).lines.lineStarts, new LineIndex(text).lineStarts);
        // The outline (of an inventory: from its items, kept per item) is a whole scan's.
        if (kind === 'inventory') assert.deepEqual(svc.symbols(file()), yamlOutline(new LineIndex(text)), `outline, step ${step}`);
        // The reference a hover finds at an offset (by halving, in an inventory) is the first of all the references there.
        const a = svc.analysis(file());
        for (let k = 0; k < 5; k++) {
          const ref = a.refs[Math.floor(rand() * a.refs.length)];
          const o = ref && rand() < 0.8 ? ref.start + Math.floor(rand() * (ref.end - ref.start + 1)) : Math.floor(rand() * (text.length + 1));
          if (a.refAt) assert.deepEqual(a.refAt(o), a.refs.find((r: any) => r.start <= o && o <= r.end), `refAt(${o}), step ${step}`);
        }
        if (kind === 'inventory' && splitInventory(text)[0].kind === 'whole' && rand() < 0.3) {
          text = inventory(rand, 30);
          source = PieceText.of(text);
          lines = new LineIndex(source);
        }
      }
    });
  }

  it("a character typed in an inventory is checked without making the document's text one string", () => {
    const uri = 'file:///ws/q.nhi.yaml';
    const rand = prng(43);
    // (Each identity names a runbook that does not exist: a finding of the whole inventory's, made again for the identity typed in.)
    let text = inventory(rand, 40).replace(/(owner: team@example\.com\n)/g, '$1    offboarding: runbooks/gone.md\n');
    let source = PieceText.of(text);
    let lines = new LineIndex(source);
    const svc = new IsmsService({ relativePath: (u: string) => u.replace('file:///ws/', ''), files: { stat: () => 'missing', readText: () => undefined } }, cfg);
    const file = () => {
      const src = source;
      return { uri, source: src, lines, get text() { return src.toString(); } };
    };
    svc.checkRuns(file());
    for (let step = 0; step < 30; step++) {
      // A character typed in an owner's value (a line end) or removed again: the editor's keystroke path.
      const at = text.indexOf('@example.com', Math.floor(rand() * text.length));
      if (at < 0) continue;
      const change = step % 3 === 2 ? { start: at - 1, oldEnd: at, newEnd: at - 1 } : { start: at, oldEnd: at, newEnd: at + 1 };
      const inserted = change.newEnd > change.start ? 'q' : '';
      const before = lines;
      source = source.edit(change.start, change.oldEnd, inserted);
      lines = LineIndex.afterChange(before, source, change);
      text = text.slice(0, change.start) + inserted + text.slice(change.oldEnd);
      const runs = svc.checkRuns(file());
      assert.ok(source.pieceCount > 1, `step ${step}: the text was made one string`);
      const fresh = new IsmsService({ relativePath: (u: string) => u.replace('file:///ws/', ''), files: { stat: () => 'missing', readText: () => undefined } }, cfg);
      const shown = runs.flatMap((run: any) => run.findings.map((f: any) => JSON.stringify(shiftFinding(f, run.line))));
      // (Another name in the same folder: the module-level caches of a file, such as the YAML guard's, stay this one's.)
      assert.deepEqual(shown, view(fresh.check({ uri: 'file:///ws/q-fresh.nhi.yaml', text }).filter((f: any) => !f.suppressed)), `step ${step}`);
    }
  });

  it('the LSP documents (IndexedDocument) answer what the library TextDocument answers, over random edits', () => {
    const rand = prng(23);
    let compared = 0;
    let pieced = 0;
    for (const eol of ['\n', '\r\n']) {
      const text = inventory(rand, 20, eol);
      const ours = IndexedDocument.create('file:///a.nhi.yaml', 'yaml', 1, text);
      const lib = TextDocument.create('file:///a.nhi.yaml', 'yaml', 1, text);
      const told: Change[] = [];
      for (let step = 0; step < 800; step++) {
        // 1-3 changes per update, by range (sometimes reversed or past a line end) or the whole text
        const changes: any[] = [];
        for (let n = 1 + Math.floor(rand() * 3); n > 0; n--) {
          if (rand() < 0.01) {
            changes.push({ text: inventory(rand, 3, eol) });
            continue;
          }
          const len = lib.getText().length;
          const a = lib.positionAt(Math.floor(rand() * (len + 1)));
          const b = rand() < 0.5 ? a : lib.positionAt(Math.floor(rand() * (len + 1)));
          if (rand() < 0.1) b.character += 5;
          changes.push({ range: { start: a, end: b }, text: ALPHABET[Math.floor(rand() * ALPHABET.length)] });
          // (later changes of one update address the text after the earlier ones: apply one at a time)
          break;
        }
        // (The whole text is asked for at every 25th step only: in between, the document is read as pieces.)
        const whole = step % 25 === 0;
        const before = whole ? ours.getText() : '';
        told.length = 0;
        ours.update(changes, step + 2, (start: number, oldEnd: number, inserted: string) => told.push({ start, oldEnd, newEnd: start + inserted.length }));
        TextDocument.update(lib, changes, step + 2);
        assert.equal(ours.version, lib.version);
        assert.equal(ours.lineCount, lib.lineCount);
        assert.deepEqual(ours.lines.lineStarts, new LineIndex(lib.getText()).lineStarts, `step ${step}: the kept index is the text's`);
        if (whole) assert.equal(ours.getText(), lib.getText(), `step ${step}`);
        if (whole && 'range' in changes[0]) {
          // the offsets told are those of the text before the change
          const c = told[0];
          assert.equal(before.slice(0, c.start) + ours.getText().slice(c.start, c.newEnd) + before.slice(c.oldEnd), ours.getText());
        }
        const len = lib.getText().length;
        for (let k = 0; k < 6; k++) {
          const off = Math.floor(rand() * (len + 3)) - 1;
          assert.deepEqual(ours.positionAt(off), lib.positionAt(off), `positionAt(${off}) at step ${step}`);
          const line = Math.floor(rand() * (lib.lineCount + 2)) - 1;
          const pos = { line, character: Math.floor(rand() * 40) - 2 };
          assert.equal(ours.offsetAt(pos), lib.offsetAt(pos), `offsetAt(${JSON.stringify(pos)}) at step ${step}`);
          assert.deepEqual(ours.getLineRange(line), lib.getLineRange(line), `getLineRange(${line})`);
          assert.equal(ours.getEOLCharacters(line), lib.getEOLCharacters(line), `getEOLCharacters(${line})`);
          const r = { start: lib.positionAt(Math.floor(rand() * len)), end: lib.positionAt(Math.floor(rand() * len)) };
          assert.equal(ours.getText(r), lib.getText(r));
          compared++;
        }
        if (ours.source.pieceCount > 1) pieced++;
      }
    }
    assert.ok(compared > 9000);
    assert.ok(pieced > 1000, `${pieced} steps read as pieces`);
  });
});
