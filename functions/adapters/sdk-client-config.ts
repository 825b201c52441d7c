/**
 * Settings every AWS SDK client in the functions shares.
 *
 * The logger does what the SDK does without one: warnings (a deserialisation hint, a socket pool at capacity)
 * go to stderr, nothing else is logged (a failed call is the caller's to report). It is spelled out because
 * the SDK recognises "no logger" by its class name, `NoOpLogger`, which the minified bundle renames; the SDK
 * would then route those warnings into the no-op logger and lose them.
 */
export const sdkClientConfig = {
  logger: {
    debug: () => undefined,
    info: () => undefined,
    warn: (...content: unknown[]) => console.warn(...content),
    error: () => undefined,
  },
};
