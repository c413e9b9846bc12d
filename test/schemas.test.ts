/**
 * The JSON Schema for process-document front matter (schemas/process-document.schema.json) must
 * describe exactly the keys and values the document rules accept (server/src/core/rules/document.ts).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { server, ROOT } from './helpers/root';

const { FRONT_MATTER_KEYS, DOCUMENT_TYPES, DOCUMENT_STATUSES, DEFAULT_KEY_ALIASES } = server('core/lang/document-schema.js');

const schema = JSON.parse(fs.readFileSync(path.join(ROOT, 'schemas', 'process-document.schema.json'), 'utf8'));

describe('process-document front matter schema', () => {
  it('is draft-07 and allows extra keys (aliases)', () => {
    assert.equal(schema.$schema, 'http://json-schema.org/draft-07/schema#');
    assert.equal(schema.type, 'object');
    assert.equal(schema.additionalProperties, true);
  });

  it('has exactly the canonical keys of FRONT_MATTER_KEYS, each described', () => {
    assert.deepEqual(Object.keys(schema.properties).sort(), Object.keys(FRONT_MATTER_KEYS).sort());
    for (const [k, p] of Object.entries<any>(schema.properties)) assert.ok(p.description, `${k} has no description`);
  });

  it('matches the key list the configuration validates aliases against and the editor field table', () => {
    const { FRONT_MATTER_KEY_NAMES } = server('core/config.js');
    const { FRONT_MATTER_FIELDS } = server('core/editor/fields.js');
    assert.deepEqual([...FRONT_MATTER_KEY_NAMES].sort(), Object.keys(FRONT_MATTER_KEYS).sort());
    assert.deepEqual(FRONT_MATTER_FIELDS.map((f: any) => f.key).sort(), Object.keys(FRONT_MATTER_KEYS).sort());
  });

  it('enumerates the document types and statuses the rules accept', () => {
    assert.deepEqual(schema.properties.type.enum, [...DOCUMENT_TYPES]);
    assert.deepEqual(schema.properties.status.enum, [...DOCUMENT_STATUSES]);
  });

  it('gives every date key the YYYY-MM-DD date definition', () => {
    const dates = Object.entries(FRONT_MATTER_KEYS).filter(([, kind]) => kind === 'date').map(([k]) => k);
    assert.ok(dates.length > 0);
    for (const k of dates) assert.equal(schema.properties[k].$ref, '#/definitions/date', k);
    const re = new RegExp(schema.definitions.date.pattern);
    assert.ok(re.test('2026-03-01'));
    assert.ok(!re.test('03/01/2026'));
  });

  it('types owner-like keys as a name or a list, and controls as a list of strings', () => {
    for (const [k, kind] of Object.entries(FRONT_MATTER_KEYS)) {
      if (kind === 'strings') assert.equal(schema.properties[k].$ref, '#/definitions/names', k);
    }
    assert.equal(schema.properties.controls.type, 'array');
    assert.equal(schema.properties.controls.items.type, 'string');
  });

  it('documents every default alias', () => {
    for (const [alias, canonical] of Object.entries<string>(DEFAULT_KEY_ALIASES)) {
      assert.ok(schema.$comment.includes(alias), `alias ${alias} not mentioned`);
      assert.ok(canonical in FRONT_MATTER_KEYS, `alias ${alias} points to unknown key ${canonical}`);
    }
  });
});
