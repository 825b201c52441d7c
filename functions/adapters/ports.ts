import { ENV, requireEnv } from '#shared/env.ts';
import { declarationRepository } from './declaration-repository.ts';
import { documentClient } from './dynamodb-clients.ts';

// Each factory reads only the bindings its port needs, so a function deployed without one fails at cold start.
export const declarationsFromEnv = () => declarationRepository(documentClient, requireEnv(ENV.declarationsTable));
export const systemClock = () => new Date();
