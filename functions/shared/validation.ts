import { ruleOfFormat } from '#domain/formats.ts';
import type { FieldProblem } from './problem.ts';

/** The shape of an Ajv error, as the build-time validators report them. */
export interface AjvError {
  readonly instancePath: string;
  readonly keyword: string;
  readonly params: Record<string, unknown>;
}

/** A validator compiled at build time (Ajv standalone code): true or false, with the errors of the last call. */
export type CompiledValidator = ((data: unknown) => boolean) & { errors?: AjvError[] | null };

/** RFC 6901: "~" and "/" inside a property name are written "~0" and "~1". */
function escapePointerToken(token: string): string {
  return token.replaceAll('~', '~0').replaceAll('/', '~1');
}

/**
 * Names the field and the rule of an Ajv error. Body fields are JSON Pointers; for headers and query
 * parameters the field is the parameter's name.
 */
export function fieldProblemOf(error: AjvError, part: 'body' | 'query' | 'headers' | 'path'): FieldProblem {
  // Ajv reports a missing or unexpected property (or a bad discriminator) on its parent; name the property itself.
  const child =
    error.params.missingProperty ??
    error.params.additionalProperty ??
    (error.keyword === 'discriminator' ? error.params.tag : undefined);
  const pointer =
    child === undefined ? error.instancePath : `${error.instancePath}/${escapePointerToken(String(child))}`;
  const field = part === 'body' ? pointer : pointer.replace(/^\//, '');
  const rule = error.keyword === 'format' ? ruleOfFormat(String(error.params.format)) : error.keyword;
  const detail =
    error.keyword === 'discriminator'
      ? `${JSON.stringify(error.params.tagValue ?? null).slice(0, 80)} is not one of the types this operation accepts`
      : error.keyword === 'additionalProperties'
        ? `is not a known ${part === 'body' ? 'field' : 'parameter'}`
        : detailOf(error);
  return { field, rule, detail };
}

/**
 * Ajv's own words for a broken rule (the validators are compiled without their message strings, which would
 * repeat beside every check): one sentence per keyword, from the keyword's parameters.
 */
function detailOf({ keyword, params }: AjvError): string {
  switch (keyword) {
    case 'type':
      return `must be ${params.type}`;
    case 'required':
      return `must have required property '${params.missingProperty}'`;
    case 'const':
      return 'must be equal to constant';
    case 'enum':
      return 'must be equal to one of the allowed values';
    case 'format':
      return `must match format "${params.format}"`;
    case 'pattern':
      return `must match pattern "${params.pattern}"`;
    case 'minLength':
    case 'maxLength':
      return `must NOT have ${keyword === 'minLength' ? 'fewer' : 'more'} than ${params.limit} characters`;
    case 'minItems':
    case 'maxItems':
      return `must NOT have ${keyword === 'minItems' ? 'fewer' : 'more'} than ${params.limit} items`;
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return `must be ${params.comparison} ${params.limit}`;
    case 'uniqueItems':
      return `must NOT have duplicate items (items ## ${params.j} and ${params.i} are identical)`;
    default:
      return `must satisfy ${keyword}`;
  }
}
