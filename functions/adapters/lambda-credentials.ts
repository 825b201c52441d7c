import { type FromEnvInit, fromEnv } from '@aws-sdk/credential-provider-env';

/**
 * Stands in for `@aws-sdk/credential-provider-node` in the function bundles (PreClearanceFunction aliases that
 * package to this module). Lambda hands the execution role's credentials to the function as environment
 * variables, the first link of the SDK's default chain; the other links (SSO, ini files, credential process,
 * web identity, container and instance metadata) can never answer there, yet bundle ~140 KiB, STS and SSO
 * clients included. The local harness sets the same variables, pointing at DynamoDB Local and the local
 * Step Functions. Code run outside a bundle (tests, scripts) still gets the SDK's full chain.
 */
export const defaultProvider = (init: FromEnvInit = {}) => fromEnv(init);
