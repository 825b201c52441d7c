import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { openApiDocument } from '#shared/openapi.ts';

/**
 * `npm run openapi [-- <file>]`: writes the API description brokers code against (docs/openapi.json by
 * default). The same document is served at GET /v1/openapi.json; a test keeps the committed copy current.
 */
export const OPENAPI_FILE = resolve(import.meta.dirname, '../../docs/openapi.json');

export function openApiText(): string {
  return `${JSON.stringify(openApiDocument(), null, 2)}\n`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const target = resolve(process.argv[2] ?? OPENAPI_FILE);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, openApiText());
  console.log(`wrote ${target}`);
}
