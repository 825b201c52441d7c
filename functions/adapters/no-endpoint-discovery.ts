/**
 * Stands in for `@aws-sdk/middleware-endpoint-discovery` in the bundles (an esbuild alias in
 * PreClearanceFunction). The DynamoDB client wires endpoint discovery into every client, with an LRU cache
 * (mnemonist) and a DescribeEndpoints command, whatever its configuration (~9 KiB); it only acts when
 * discovery is switched on, which nothing here does: DynamoDB's regional endpoints need none, and none of the
 * operations used requires it. Switched on by the environment, it fails loudly here instead of being ignored.
 */

const ENVIRONMENT_SWITCHES = ['AWS_ENABLE_ENDPOINT_DISCOVERY', 'AWS_ENDPOINT_DISCOVERY_ENABLED'];

function unsupported(): never {
  throw new Error('DynamoDB endpoint discovery is not bundled (functions/adapters/no-endpoint-discovery.ts)');
}

export const NODE_ENDPOINT_DISCOVERY_CONFIG_OPTIONS = {
  environmentVariableSelector: (env: Record<string, string | undefined>) => {
    for (const name of ENVIRONMENT_SWITCHES) {
      if (env[name] !== undefined && !['false', '0'].includes(String(env[name]))) unsupported();
    }
    return false;
  },
  configFileSelector: () => false,
  default: false,
};

export function resolveEndpointDiscoveryConfig<T extends { endpointDiscoveryEnabled?: boolean }>(input: T) {
  if (input.endpointDiscoveryEnabled === true) unsupported();
  return Object.assign(input, {
    endpointDiscoveryEnabled: () => Promise.resolve(false),
    isClientEndpointDiscoveryEnabled: false,
  });
}

export const getEndpointDiscoveryPlugin = unsupported;
export const getEndpointDiscoveryRequiredPlugin = unsupported;
export const getEndpointDiscoveryOptionalPlugin = unsupported;
