import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { SCHEMA_FORMAT_CHECKS } from '#domain/formats.ts';
import { openApiDocument } from '#shared/openapi.ts';

/**
 * Checks answers against the published OpenAPI document, as a broker's generated client would: the operation
 * must declare the status, the content type must be the one declared, and the body must match its schema.
 * End-to-end tests run every answer they receive through this.
 */
type Json = Record<string, unknown>;

const document = openApiDocument() as unknown as {
  paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: Json }> }> }>>;
  components: { schemas: Record<string, Json> };
};

const ajv = new Ajv2020({ strict: false, allErrors: true, formats: SCHEMA_FORMAT_CHECKS });
ajv.addSchema(
  { $id: 'https://contract.preclearance.test/openapi.json', components: document.components },
  'https://contract.preclearance.test/openapi.json',
);
const compiled = new Map<string, ValidateFunction>();

function validatorFor(key: string, schema: Json): ValidateFunction {
  let validate = compiled.get(key);
  if (validate === undefined) {
    // Refs into components point at the document registered above.
    const text = JSON.stringify(schema).replaceAll(
      '"#/components/',
      '"https://contract.preclearance.test/openapi.json#/components/',
    );
    validate = ajv.compile(JSON.parse(text) as Json);
    compiled.set(key, validate);
  }
  return validate;
}

/** The document's path template that a concrete path matches, e.g. /v1/declarations/{id}. */
function templateOf(path: string): string | undefined {
  const templates = Object.keys(document.paths);
  // Literal segments win over parameters, as API Gateway matches them.
  const matching = templates.filter((template) =>
    new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(path),
  );
  return matching.sort((a, b) => a.split('{').length - b.split('{').length)[0];
}

export class ContractViolation extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ContractViolation';
  }
}

/**
 * Throws ContractViolation when the answer is not one the document promises. Answers to paths the document
 * does not have (an unknown route) are the gateway's: they must still be problem+json.
 */
export function checkAgainstContract(answer: {
  method: string;
  path: string;
  status: number;
  contentType: string;
  body: unknown;
}): void {
  const label = `${answer.method} ${answer.path} → ${answer.status}`;
  const template = templateOf(answer.path.split('?')[0] ?? '');
  const operation = template === undefined ? undefined : document.paths[template]?.[answer.method.toLowerCase()];
  if (operation === undefined) return;
  // An exact status first, then the document's range for it (4XX, 5XX), as OpenAPI resolves them.
  const response = operation.responses[String(answer.status)] ?? operation.responses[`${String(answer.status)[0]}XX`];
  if (response === undefined) {
    throw new ContractViolation(`${label}: the document declares no ${answer.status} for this operation`);
  }
  const mediaType = answer.contentType.split(';')[0]?.trim() ?? '';
  if (response.content === undefined) {
    // An answer declared without content (204) carries none.
    const empty =
      answer.body === undefined || (typeof answer.body === 'object' && Object.keys(answer.body ?? {}).length === 0);
    if (mediaType !== '' || !empty) throw new ContractViolation(`${label}: the document declares no content here`);
    return;
  }
  const content = response.content[mediaType];
  if (content === undefined) {
    throw new ContractViolation(
      `${label}: content type ${mediaType} is not declared (${Object.keys(response.content ?? {}).join(', ')})`,
    );
  }
  // A page (the dashboard) is checked for its media type only: its body is not JSON.
  if (!mediaType.endsWith('json')) return;
  const validate = validatorFor(`${template} ${answer.method} ${answer.status} ${mediaType}`, content.schema);
  if (!validate(answer.body)) {
    throw new ContractViolation(`${label}: the body does not match the document: ${ajv.errorsText(validate.errors)}`);
  }
}
