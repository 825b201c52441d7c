import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Ajv } from 'ajv';
import { type AjvError, fieldProblemOf } from '#shared/validation.ts';

/**
 * The build-time validators are compiled without Ajv's message strings, and the refusal's words are written
 * from the keyword and its parameters. A broker must read what Ajv itself would have said: each case breaks
 * one keyword, and the detail is compared with the message of a validator compiled with messages.
 */
const CASES: readonly { readonly keyword: string; readonly schema: object; readonly value: unknown }[] = [
  { keyword: 'type', schema: { type: 'string' }, value: 1 },
  { keyword: 'required', schema: { type: 'object', required: ['trainNumber'] }, value: {} },
  { keyword: 'const', schema: { const: 'RAIL_IMPORT' }, value: 'X' },
  { keyword: 'enum', schema: { enum: ['SMGS', 'CIM_SMGS'] }, value: 'CMR' },
  { keyword: 'format', schema: { type: 'string', format: 'date' }, value: '2026-13-45' },
  { keyword: 'pattern', schema: { type: 'string', pattern: '^[A-Z]{3}$' }, value: 'usd' },
  { keyword: 'minLength', schema: { type: 'string', minLength: 2 }, value: 'a' },
  { keyword: 'maxLength', schema: { type: 'string', maxLength: 2 }, value: 'abc' },
  { keyword: 'minItems', schema: { type: 'array', minItems: 1 }, value: [] },
  { keyword: 'maxItems', schema: { type: 'array', maxItems: 1 }, value: [1, 2] },
  { keyword: 'minimum', schema: { type: 'number', minimum: 0 }, value: -1 },
  { keyword: 'maximum', schema: { type: 'number', maximum: 10 }, value: 11 },
  { keyword: 'exclusiveMinimum', schema: { type: 'number', exclusiveMinimum: 0 }, value: 0 },
  { keyword: 'exclusiveMaximum', schema: { type: 'number', exclusiveMaximum: 1 }, value: 1 },
  { keyword: 'uniqueItems', schema: { type: 'array', uniqueItems: true }, value: ['A', 'A'] },
];

describe('a refusal from a build-time validator', () => {
  const ajv = new Ajv({ allErrors: true, formats: { date: /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/ } });
  for (const { keyword, schema, value } of CASES) {
    it(`says what Ajv says when ${keyword} is broken`, () => {
      const validate = ajv.compile(schema);
      assert.equal(validate(value), false);
      const [error] = validate.errors ?? [];
      assert.ok(error !== undefined && error.keyword === keyword, `expected a ${keyword} error`);
      const { message, ...withoutMessage } = error;
      assert.equal(fieldProblemOf(withoutMessage as AjvError, 'body').detail, message);
    });
  }
});
