/**
 * Suppressions with a reason (docs/suppressions.md): the directives in Markdown, YAML and front matter, the
 * rules that judge them (suppression-unjustified, -unused, -expired, -rule-unknown), the cross-file findings
 * they cover, and the "Suppress with a reason…" quick fix. RuleTester leaves suppressed findings out, as
 * the editor does; the service keeps them with `suppressed`.
 */
import * as assert from 'node:assert/strict';
import { applyFixes, findingsOf, ruleTester } from './helpers/rule-tester';
import { server } from './helpers/root';

const { IsmsService } = server('core/service.js');
const { defaultConfig } = server('core/config.js');
const { LineIndex } = server('core/text.js');
const { readDirectives } = server('core/lang/suppressions.js');
const { isPlaceholderReason } = server('core/lang/words.js');

const SUPPRESSION_RULES = ['suppression-unjustified', 'suppression-unused', 'suppression-expired', 'suppression-rule-unknown'];
const RULES = ['placeholder', ...SUPPRESSION_RULES];

const FM = '---\ntitle: Keys\ntype: record\nowner: sre@example.com\n---\n\n# Keys\n\n';

const INVENTORY = (comment: string) =>
  `identities:\n${comment}  - id: legacy\n    type: api-key\n    owner: sre\n    last_reviewed: 2020-01-01\n    review_cadence: annual\n  - id: other\n    type: api-key\n    owner: sre\n    last_reviewed: 2020-01-01\n    review_cadence: annual\n`;

describe('suppressions', () => {
  describe('directives', () => {
    ruleTester(RULES, {
      valid: [
        { name: 'next line, Markdown', text: `${FM}<!-- isms-disable-next-line placeholder -- The template keeps the marker, ticket SEC-1 -->\nTODO: write this.\n` },
        { name: 'next line over a blank line', text: `${FM}<!-- isms-disable-next-line placeholder -- Kept as the template's marker, SEC-1 -->\n\nTODO: write this.\n` },
        { name: 'two rules, one directive', text: `${FM}<!-- isms-disable-next-line placeholder, link-broken -- Draft kept for review by audit, SEC-2 -->\nTODO [x](missing.md)\n`, config: (c) => (c.rules['link-broken'] = 'off') },
        { name: 'block', text: `${FM}<!-- isms-disable placeholder -- Template section, filled in per team (SEC-3) -->\nTODO one\n\nTBD two\n<!-- isms-enable placeholder -->\n` },
        { name: 'block without enable runs to the end', text: `${FM}<!-- isms-disable placeholder -- Template kept verbatim from the vendor, SEC-4 -->\nTODO one\n\nTBD two\n` },
        {
          name: 'front matter, file level',
          text: '---\ntitle: Keys\ntype: record\nowner: sre@example.com\nisms-disable:\n  placeholder: The whole file is a template, see SEC-5\n---\n\n# Keys\n\nTODO one\n',
        },
        {
          name: 'front matter, file level with until',
          text: '---\ntitle: Keys\ntype: record\nowner: sre@example.com\nisms-disable: {placeholder: {reason: "The whole file is a template, see SEC-5", until: 2026-11-23}}\n---\n\n# Keys\n\nTODO one\n',
        },
        { name: 'no rule IDs: every rule', text: `${FM}<!-- isms-disable-next-line -- Vendor text quoted verbatim, SEC-6 -->\nTODO: write this.\n` },
        { name: 'expires today: still accepted', text: `${FM}<!-- isms-disable-next-line placeholder -- The template keeps the marker, SEC-7 (expires 2026-11-23) -->\nTODO: write this.\n` },
        { name: 'a rule that is off is never unused', text: `${FM}<!-- isms-disable-next-line link-broken -- Link checked by hand, SEC-8 -->\nText.\n`, config: (c) => (c.rules['link-broken'] = 'off') },
      ],
      invalid: [
        {
          name: 'no reason: unjustified, still suppressed',
          text: `${FM}<!-- isms-disable-next-line placeholder -->\nTODO: write this.\n`,
          findings: [{ ruleId: 'suppression-unjustified', line: 9, column: 1, message: /gives no reason/ }],
        },
        {
          name: 'a placeholder reason',
          text: `${FM}<!-- isms-disable-next-line placeholder -- TODO: why this finding is accepted -->\nTODO: write this.\n`,
          findings: [{ ruleId: 'suppression-unjustified', line: 9, column: 44, message: /is a placeholder, not a reason/ }],
        },
        {
          name: 'unused, removed by its fix',
          text: `${FM}<!-- isms-disable-next-line placeholder -- The template keeps the marker, SEC-1 -->\nAll written.\n`,
          findings: [{ ruleId: 'suppression-unused', line: 9, column: 29, message: "No 'placeholder' finding is suppressed here: remove the suppression, or an auditor reads an accepted risk that does not exist.", fixes: ['Remove the unused suppression'] }],
          output: `${FM}All written.\n`,
        },
        {
          name: 'one rule of two unused: the fix removes that one',
          text: `${FM}<!-- isms-disable-next-line placeholder, approver-missing -- The template keeps the marker, SEC-1 -->\nTODO here.\n`,
          config: (c) => (c.rules['approver-missing'] = 'warning'),
          findings: [{ ruleId: 'suppression-unused', line: 9, column: 42, data: { rule: 'approver-missing' }, fixes: ["Remove 'approver-missing' from the suppression"] }],
          output: `${FM}<!-- isms-disable-next-line placeholder -- The template keeps the marker, SEC-1 -->\nTODO here.\n`,
        },
        {
          name: 'unknown rule ID, with did you mean',
          text: `${FM}<!-- isms-disable-next-line placeholdr -- The template keeps the marker, SEC-1 -->\nTODO: write this.\n`,
          findings: [
            { ruleId: 'suppression-rule-unknown', line: 9, column: 29, message: "Unknown rule 'placeholdr' (did you mean 'placeholder'?): this suppression covers no finding of it.", data: { suggestion: 'placeholder' } },
            { ruleId: 'placeholder', line: 10 },
          ],
          output: `${FM}<!-- isms-disable-next-line placeholder -- The template keeps the marker, SEC-1 -->\nTODO: write this.\n`,
        },
        {
          name: 'the day after the expiry: the finding is back, with suppression-expired',
          text: `${FM}<!-- isms-disable-next-line placeholder -- The template keeps the marker, SEC-1 (expires 2026-11-22) -->\nTODO: write this.\n`,
          findings: [
            { ruleId: 'suppression-expired', line: 9, message: "This suppression of 'placeholder' expired on 2026-11-22 (1 finding is reported again): fix the finding, or have the risk accepted again with a new date.", data: { expires: '2026-11-22', reported: 1 } },
            { ruleId: 'placeholder', line: 10 },
          ],
        },
        {
          name: 'front matter until passed',
          text: '---\ntitle: Keys\ntype: record\nowner: sre@example.com\nisms-disable:\n  placeholder: {reason: The whole file is a template, until: 2026-01-31}\n---\n\n# Keys\n\nTODO one\n',
          findings: [
            { ruleId: 'suppression-expired', line: 6, column: 62, data: { expires: '2026-01-31' } },
            { ruleId: 'placeholder', line: 11 },
          ],
        },
        {
          name: 'an expiry that is no date',
          text: `${FM}<!-- isms-disable-next-line placeholder -- The template keeps the marker, SEC-1 (expires 2026-02-30) -->\nTODO: write this.\n`,
          findings: [{ ruleId: 'suppression-unjustified', line: 9, message: /'2026-02-30' of this suppression is not a date/ }],
        },
        {
          name: 'suppression rules cannot be suppressed',
          text: `${FM}<!-- isms-disable-next-line suppression-unused -- Not needed any more, SEC-9 -->\nText.\n`,
          findings: [{ ruleId: 'suppression-rule-unknown', line: 9, message: /'suppression-unused' cannot be suppressed/ }],
        },
        {
          name: 'a block ends at its enable',
          text: `${FM}<!-- isms-disable placeholder -- Template section, filled in per team (SEC-3) -->\nTODO one\n<!-- isms-enable placeholder -->\nTBD two\n`,
          findings: [{ ruleId: 'placeholder', line: 12 }],
        },
        {
          name: 'examples in fenced and inline code are no directives',
          text: `${FM}\`\`\`markdown\n<!-- isms-disable-next-line placeholder -- example -->\n\`\`\`\nWrite \`<!-- isms-disable-next-line placeholder -- x -->\` above it.\nTODO here.\n`,
          findings: [{ ruleId: 'placeholder', line: 13 }],
        },
        {
          name: 'every rule, but unused',
          text: `${FM}<!-- isms-disable-next-line -- Vendor text quoted verbatim, SEC-6 -->\nAll fine.\n`,
          findings: [{ ruleId: 'suppression-unused', line: 9, message: /every rule covers no finding/ }],
          output: `${FM}All fine.\n`,
        },
      ],
    });
  });

  describe('front matter key', () => {
    ruleTester('front-matter-invalid', {
      valid: ['---\ntitle: Keys\ntype: record\nowner: sre\nisms-disable:\n  placeholder: Template, SEC-5\n---\n\n# Keys\n'],
      invalid: [
        {
          text: '---\ntitle: Keys\ntype: record\nowner: sre\nisms-disable: placeholder\n---\n\n# Keys\n',
          findings: [{ line: 5, message: /'isms-disable' must map rule IDs to the reason/ }],
        },
      ],
    });
  });

  it('completion and hover know the front matter key', () => {
    const cfg = defaultConfig();
    cfg.documentGlobs = ['**/*.md'];
    const svc = new IsmsService({ relativePath: (p: string) => p }, cfg);
    const text = '---\ntitle: Keys\ntype: record\nowner: sre\nisms-disable:\n  placeholder: Template, SEC-5\n\n---\n\n# Keys\n';
    const bare = '---\ntitle: Keys\ntype: record\nowner: sre\n\n---\n\n# Keys\n';
    const items = svc.complete({ uri: 'b.md', text: bare }, { line: 4, character: 0 });
    assert.ok(items.some((i: any) => i.label === 'isms-disable'), items.map((i: any) => i.label).join());
    const h = svc.hover({ uri: 'a.md', text }, { line: 4, character: 3 });
    assert.match(h.contents, /accepted on purpose/);
  });

  describe('YAML', () => {
    const inv = { uri: 'keys.nhi.yaml' };
    ruleTester(['review-overdue', ...SUPPRESSION_RULES], {
      uri: 'keys.nhi.yaml',
      valid: [],
      invalid: [
        {
          name: 'a next-line directive above an entry covers the whole entry',
          text: INVENTORY('  # isms-disable-next-line review-overdue -- Decommissioning in Q1, CHG-77\n'),
          findings: [{ ruleId: 'review-overdue', line: 11 }],
          ...inv,
        },
        {
          name: 'block form',
          text: INVENTORY('  # isms-disable review-overdue -- Both keys are retired with the legacy API, CHG-78\n'),
          findings: [],
          ...inv,
        },
        {
          name: 'next line inside an entry covers that line only',
          text: INVENTORY('').replace('    last_reviewed: 2020-01-01\n    review_cadence: annual\n  - id: other', '    # isms-disable-next-line review-overdue -- Review moved to the vendor, CHG-79\n    last_reviewed: 2020-01-01\n    review_cadence: annual\n  - id: other'),
          findings: [{ ruleId: 'review-overdue', line: 11, message: /identity 'other'/ }],
          ...inv,
        },
      ],
    });
    ruleTester(['review-overdue', ...SUPPRESSION_RULES], {
      valid: [
        {
          name: 'a # comment in front matter',
          text: '---\ntitle: Keys\ntype: procedure\nowner: sre\nreview_cadence: annual\n# isms-disable-next-line review-overdue -- Review scheduled with the new owner, CHG-80\nlast_reviewed: 2020-01-01\n---\n\n# Keys\n',
        },
      ],
    });
  });

  it('keeps a suppressed finding with its reason, expiry and directive line', () => {
    const cfg = defaultConfig();
    cfg.today = '2026-11-23';
    cfg.documentGlobs = ['**/*.md'];
    const svc = new IsmsService({ relativePath: (p: string) => p }, cfg);
    const text = `${FM}<!-- isms-disable-next-line placeholder -- The template keeps the marker, SEC-1 (expires 2027-01-31) -->\nTODO: write this.\n`;
    const f = svc.check({ uri: 'a.md', text }).find((x: any) => x.ruleId === 'placeholder');
    assert.deepEqual(f.suppressed, { reason: 'The template keeps the marker, SEC-1', expires: '2027-01-31', line: 8 });
    assert.deepEqual(svc.suppressions({ uri: 'a.md', text }), [
      { line: 8, form: 'next-line', rules: ['placeholder'], reason: 'The template keeps the marker, SEC-1', expires: '2027-01-31', state: 'active', suppressed: 1, owner: 'sre@example.com' },
    ]);
    // Neither fix-all nor the quick fixes touch it.
    assert.deepEqual(svc.codeActions({ uri: 'a.md', text }, f.range), []);
  });

  it('covers the cross-file findings (nhi-id-duplicate) the service adds', () => {
    const cfg = defaultConfig();
    cfg.today = '2026-11-23';
    const svc = new IsmsService({ relativePath: (p: string) => p }, cfg);
    const a = 'identities:\n  # isms-disable-next-line nhi-id-duplicate -- The same key is listed in both regions on purpose, ARCH-3\n  - id: shared\n    owner: sre\n';
    const b = 'identities:\n  - id: shared\n    owner: sre\n';
    svc.check({ uri: 'b.nhi.yaml', text: b });
    const found = svc.check({ uri: 'a.nhi.yaml', text: a });
    const dup = found.find((x: any) => x.ruleId === 'nhi-id-duplicate');
    assert.ok(dup?.suppressed, 'nhi-id-duplicate suppressed');
    assert.ok(!found.some((x: any) => x.ruleId === 'suppression-unused'));
    assert.ok(svc.check({ uri: 'b.nhi.yaml', text: b }).some((x: any) => x.ruleId === 'nhi-id-duplicate' && !x.suppressed), 'the other file still reports it');
  });

  it('an edited file gives what a fresh check gives (incremental analysis, memos)', () => {
    const cfg = defaultConfig();
    cfg.today = '2026-11-23';
    cfg.documentGlobs = ['**/*.md'];
    const edited = new IsmsService({ relativePath: (p: string) => p }, cfg);
    let text = `${FM}<!-- isms-disable-next-line placeholder -- The vendor fills this in, SEC-12 -->\nTODO one\n\nTBD two\n\n## More\n\nText.\n`;
    const steps: [string, string][] = [
      ['TBD two', 'TBD two\n<!-- isms-disable-next-line placeholder -- Second vendor field, SEC-13 -->'],
      ['TODO one', 'Written one'],
      ['<!-- isms-disable-next-line placeholder -- The vendor fills this in, SEC-12 -->\n', ''],
      ['Text.', '<!-- isms-disable placeholder -->\nTODO three'],
    ];
    const strip = (fs: any[]) => fs.map((f) => [f.ruleId, f.range.start.line, f.range.start.character, f.message, f.suppressed ?? null]);
    edited.check({ uri: 'a.md', text });
    for (const [from, to] of steps) {
      const at = text.indexOf(from);
      edited.noteChange('a.md', at, at + from.length, to);
      text = text.slice(0, at) + to + text.slice(at + from.length);
      const fresh = new IsmsService({ relativePath: (p: string) => p }, cfg);
      assert.deepEqual(strip(edited.check({ uri: 'a.md', text })), strip(fresh.check({ uri: 'a.md', text })), text);
      assert.deepEqual(edited.suppressions({ uri: 'a.md', text }), fresh.suppressions({ uri: 'a.md', text }));
    }
  });

  it('reads pathological lines without throwing (each comment is read once)', () => {
    const cfg = defaultConfig();
    cfg.today = '2026-11-23';
    cfg.documentGlobs = ['**/*.md'];
    const svc = new IsmsService({ relativePath: (p: string) => p }, cfg);
    const texts = [
      FM + '<!-- isms-disable-next-line a '.repeat(20000) + '\n',
      FM + '<!-- isms-disable-next-line a -->'.repeat(5000) + '\nTODO\n',
      'identities:\n' + '  # isms-disable review-overdue -- x\n'.repeat(3000) + '  # isms-enable\n'.repeat(3000),
      '---\nisms-disable: {a: [b: {c\n---\n# x\n',
      '---\nisms-disable:\n  - a\n---\n# x\n<!-- isms-disable-next-line -->',
    ];
    for (const text of texts) {
      const uri = text.startsWith('identities') ? 'a.nhi.yaml' : 'a.md';
      assert.ok(Array.isArray(svc.check({ uri, text })));
      assert.ok(Array.isArray(svc.suppressions({ uri, text })));
    }
  });

  it('reads nothing from a text without "isms-"', () => {
    const lines = new LineIndex(`${FM}TODO\n`);
    assert.deepEqual(readDirectives({ lines, kind: 'process-document', frontMatter: { start: 4, end: 50 } }), []);
  });

  it('tells a reason from a placeholder', () => {
    for (const r of ['', 'TODO', 'TODO: why this finding is accepted', 'n/a', 'ok', '[your reason]', 'False positive', '...']) assert.ok(isPlaceholderReason(r), r);
    for (const r of ['Vendor template, ticket SEC-1', 'False positive: the token is a documented test fixture']) assert.ok(!isPlaceholderReason(r), r);
  });

  describe('quick fix "Suppress <rule> with a reason…"', () => {
    /** The text after the suppress action of the first `rule` finding on `line` (1-based). */
    function suppress(text: string, rule: string, line: number, uri = 'doc.md'): string {
      const cfg = defaultConfig();
      cfg.today = '2026-11-23';
      cfg.documentGlobs = ['**/*.md'];
      const svc = new IsmsService({ relativePath: (p: string) => p }, cfg);
      const f = svc.check({ uri, text }).find((x: any) => x.ruleId === rule && x.range.start.line === line - 1);
      assert.ok(f, `${rule} on line ${line}`);
      const actions = svc.codeActions({ uri, text }, f.range);
      const a = actions.find((x: any) => x.title === `Suppress ${rule} with a reason…`);
      assert.ok(a, actions.map((x: any) => x.title).join('; '));
      assert.ok(!a.isPreferred);
      assert.ok(!f.fixes.some((x: any) => x.title.startsWith('Suppress')), 'not a fix of the finding: never in fix-all');
      const out = applyFixes(text, [{ fixes: [{ edits: a.edits }] }]);
      // The finding is suppressed now; the placeholder reason is reported until a reason is written.
      const after = svc.check({ uri, text: out });
      assert.ok(!after.some((x: any) => x.ruleId === rule && !x.suppressed && x.message === f.message), `${rule} still reported:\n${out}`);
      assert.deepEqual(after.filter((x: any) => x.ruleId.startsWith('suppression-')).map((x: any) => x.ruleId), ['suppression-unjustified'], out);
      return out;
    }

    it('an HTML comment above a Markdown line, with its indentation', () => {
      assert.equal(
        suppress(`${FM}- item\n\n  TODO: write this.\n`, 'placeholder', 11),
        `${FM}- item\n\n  <!-- isms-disable-next-line placeholder -- TODO: why this finding is accepted -->\n  TODO: write this.\n`,
      );
    });

    it('a block around a paragraph when the line is inside it (a comment line would split it)', () => {
      assert.equal(
        suppress(`${FM}First line\nTODO second line\nthird line\n\nAfter.\n`, 'placeholder', 10),
        `${FM}<!-- isms-disable placeholder -- TODO: why this finding is accepted -->\nFirst line\nTODO second line\nthird line\n<!-- isms-enable placeholder -->\n\nAfter.\n`,
      );
    });

    it('a block around a table', () => {
      assert.equal(
        suppress(`${FM}| a | b |\n|---|---|\n| TODO | x |\n`, 'placeholder', 11),
        `${FM}<!-- isms-disable placeholder -- TODO: why this finding is accepted -->\n| a | b |\n|---|---|\n| TODO | x |\n<!-- isms-enable placeholder -->\n`,
      );
    });

    it('a # comment in front matter', () => {
      const text = '---\ntitle: Keys\ntype: procedure\nowner: sre\nreview_cadence: annual\nlast_reviewed: 2020-01-01\n---\n\n# Keys\n';
      assert.equal(
        suppress(text, 'review-overdue', 6),
        '---\ntitle: Keys\ntype: procedure\nowner: sre\nreview_cadence: annual\n# isms-disable-next-line review-overdue -- TODO: why this finding is accepted\nlast_reviewed: 2020-01-01\n---\n\n# Keys\n',
      );
    });

    it('a # comment in an inventory, indented as the line', () => {
      const out = suppress(INVENTORY(''), 'review-overdue', 5, 'keys.nhi.yaml');
      assert.equal(out, INVENTORY('').replace('    last_reviewed: 2020-01-01\n', '    # isms-disable-next-line review-overdue -- TODO: why this finding is accepted\n    last_reviewed: 2020-01-01\n'));
    });

    it('around a YAML block scalar, never inside it', () => {
      const text = 'identities:\n  - id: a\n    owner: sre\n    notes: |\n      token: ghp_abcdefghijklmnopqrstuvwxyz0123456789\n      more text\n    purpose: x\n';
      const cfg = defaultConfig();
      cfg.today = '2026-11-23';
      const svc = new IsmsService({ relativePath: (p: string) => p }, cfg);
      const f = svc.check({ uri: 'k.nhi.yaml', text }).find((x: any) => x.range.start.line === 4);
      assert.ok(f, 'a finding inside the block scalar');
      const out = suppress(text, f.ruleId, 5, 'k.nhi.yaml');
      assert.match(out, /    # isms-disable \S+ -- TODO: why this finding is accepted\n    notes: \|\n      token: ghp_abcdefghijklmnopqrstuvwxyz0123456789\n      more text\n    # isms-enable \S+\n    purpose: x\n/);
    });

    it('around a block scalar in front matter', () => {
      const text = '---\ntitle: K\ntype: record\nowner: sre\ndescription: |\n  TODO fill\n---\n\n# K\n';
      assert.equal(
        suppress(text, 'placeholder', 6),
        text.replace('description: |', '# isms-disable placeholder -- TODO: why this finding is accepted\ndescription: |').replace('  TODO fill\n', '  TODO fill\n# isms-enable placeholder\n'),
      );
    });

    it('is offered for no suppression-* finding', () => {
      const cfg = defaultConfig();
      cfg.today = '2026-11-23';
      cfg.documentGlobs = ['**/*.md'];
      const svc = new IsmsService({ relativePath: (p: string) => p }, cfg);
      const text = `${FM}<!-- isms-disable-next-line placeholder -->\nTODO: write this.\n`;
      const f = svc.check({ uri: 'a.md', text }).find((x: any) => x.ruleId === 'suppression-unjustified');
      assert.ok(!svc.codeActions({ uri: 'a.md', text }, f.range).some((a: any) => a.title.startsWith('Suppress')));
    });
  });

  it('RuleTester leaves suppressed findings out (the editor does)', () => {
    const text = `${FM}<!-- isms-disable-next-line placeholder -- The template keeps the marker, SEC-1 -->\nTODO: write this.\n`;
    assert.deepEqual(findingsOf(['placeholder'], text), []);
  });
});
