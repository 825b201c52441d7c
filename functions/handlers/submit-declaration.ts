import { declarationsFromEnv, systemClock } from '#adapters/ports.ts';
import { workflowStarterFromEnv } from '#adapters/workflow-ports.ts';
import { declarationView, submitDeclaration } from '#application/rail-import.ts';
import type { RailImportDeclaration } from '#domain/declaration.ts';
import { crossFieldViolations } from '#domain/declaration.ts';
import { DECLARATION_FORMATS, railImportDeclarationSchema } from '#domain/declaration-schema.ts';
import { httpRoute, json } from '#shared/http.ts';
import { linkTo } from '#shared/links.ts';
import { brokerIdOf } from '#shared/principal.ts';
import { ProblemError } from '#shared/problem.ts';

const ports = { declarations: declarationsFromEnv(), workflow: workflowStarterFromEnv(), clock: systemClock };

/** POST /v1/declarations: file an advance rail-import declaration; answers 202 and starts its workflow. */
export const handler = httpRoute<RailImportDeclaration>(
  {
    roles: ['broker'],
    bodySchema: railImportDeclarationSchema,
    formats: DECLARATION_FORMATS,
    requiredHeaders: ['idempotency-key'],
    // Keyed per broker, so two brokers choosing the same key never collide.
    idempotency: {
      jmesPath: '[requestContext.authorizer.claims."custom:brokerId", headers."idempotency-key"]',
      field: 'idempotency-key',
    },
  },
  async ({ event, body, principal, headers }) => {
    const brokerId = brokerIdOf(principal);
    const violations = crossFieldViolations(body);
    if (violations.length > 0) {
      throw new ProblemError(
        'validation-failed',
        `${violations.length} field(s) broke a rule`,
        violations.map(({ pointer, rule, detail }) => ({ field: pointer, rule, detail })),
      );
    }
    const declaration = await submitDeclaration(ports, {
      brokerId,
      idempotencyKey: headers['idempotency-key'] ?? '',
      document: body,
    });
    const self = linkTo(event, `/v1/declarations/${declaration.id}`);
    return json(202, { ...declarationView(declaration), links: { self } }, { location: self });
  },
);
