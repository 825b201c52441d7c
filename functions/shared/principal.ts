import type { Caller } from '#application/ports.ts';
import { isRole, type Role } from '#domain/roles.ts';
import { ProblemError } from './problem.ts';

/**
 * Roles are Cognito user-pool groups. Brokers carry their tenancy in the `custom:brokerId`
 * attribute, which only administrators can write.
 */
export const CLAIMS = {
  subject: 'sub',
  groups: 'cognito:groups',
  brokerId: 'custom:brokerId',
} as const;

export interface Principal {
  readonly subject: string;
  readonly roles: ReadonlySet<Role>;
  readonly brokerId?: string;
}

type Claims = Record<string, unknown>;

/**
 * API Gateway hands REST integrations every claim as a string; a multi-valued claim such as
 * `cognito:groups` arrives as "[a b]" (or "a,b" in older integrations).
 */
export function parseListClaim(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value !== 'string' || value.trim() === '') return [];
  const trimmed = value.trim();
  const inner = trimmed.startsWith('[') && trimmed.endsWith(']') ? trimmed.slice(1, -1) : trimmed;
  return inner.split(/[\s,]+/).filter((part) => part !== '');
}

interface EventWithClaims {
  readonly requestContext?: { readonly authorizer?: { readonly claims?: Claims } | null };
}

export function principalOf(event: EventWithClaims): Principal {
  const claims = event.requestContext?.authorizer?.claims;
  const subject = claims?.[CLAIMS.subject];
  if (claims === undefined || typeof subject !== 'string' || subject === '') {
    throw new ProblemError('unauthorized', 'the request carries no authenticated identity');
  }
  const roles = new Set(parseListClaim(claims[CLAIMS.groups]).filter(isRole));
  const brokerId = claims[CLAIMS.brokerId];
  return {
    subject,
    roles,
    ...(typeof brokerId === 'string' && brokerId !== '' ? { brokerId } : {}),
  };
}

/**
 * The caller as the use cases see it. The actor is recorded in the role the route was called in (the first
 * of the route's roles the user holds), so history says "railway" or "port operator", not a list of groups.
 */
export function callerOf(principal: Principal, routeRoles: readonly Role[]): Caller {
  const role = routeRoles.find((candidate) => principal.roles.has(candidate)) ?? [...principal.roles][0] ?? 'broker';
  return {
    actor: { kind: role, id: principal.subject },
    roles: principal.roles,
    ...(principal.brokerId === undefined ? {} : { brokerId: principal.brokerId }),
  };
}

/** The broker a request acts for; a broker without a tenancy claim is a misconfigured account. */
export function brokerIdOf(principal: Principal): string {
  if (!principal.roles.has('broker') || principal.brokerId === undefined) {
    throw new ProblemError('forbidden', 'only a broker account with a broker id may act on declarations');
  }
  return principal.brokerId;
}
