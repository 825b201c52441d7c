/**
 * Stands in for `@aws-sdk/endpoint-cache` in the bundles (an esbuild alias in PreClearanceFunction). The
 * DynamoDB client builds an endpoint-discovery cache (an LRU from mnemonist, ~7.5 KiB) whatever its
 * configuration, and only ever reads it when endpoint discovery is switched on, which nothing here does:
 * DynamoDB's regional endpoints need none. If it were switched on, the first use fails loudly here.
 */
export class EndpointCache {
  getEndpoint(): never {
    return unsupported();
  }

  get(): never {
    return unsupported();
  }

  set(): never {
    return unsupported();
  }

  delete(): never {
    return unsupported();
  }

  has(): never {
    return unsupported();
  }

  clear(): never {
    return unsupported();
  }
}

function unsupported(): never {
  throw new Error('DynamoDB endpoint discovery is not bundled (functions/adapters/no-endpoint-discovery.ts)');
}
