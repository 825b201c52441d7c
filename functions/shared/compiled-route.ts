import type { RouteDefinition } from './routes.ts';
import type { CompiledValidator } from './validation.ts';

/**
 * A route of the registry as a function needs it at run time, compiled at build time into
 * functions/generated/routes.ts: what the middy stack checks, without the schema objects themselves.
 * The registry entry it was compiled from is kept as a type only, to type the request's parts.
 */
export interface CompiledRoute<R extends RouteDefinition = RouteDefinition> {
  readonly operationId: R['operationId'];
  readonly method: R['method'];
  readonly path: R['path'];
  readonly roles: R['roles'];
  readonly idempotency?: R['idempotency'];
  /** Query parameters the schema types as integers: the only ones converted from their string form. */
  readonly integerQueryParameters: readonly string[];
  readonly validators: {
    readonly path?: CompiledValidator;
    readonly query?: CompiledValidator;
    readonly headers?: CompiledValidator;
    readonly body?: CompiledValidator;
  };
}
