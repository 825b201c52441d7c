import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { WebhookResponse, WebhookTransport } from '#application/ports.ts';
import { isAllowedAddress, type WebhookUrlPolicy, webhookUrlViolations } from '#domain/webhook-url-policy.ts';

export type HostLookup = (hostname: string) => Promise<readonly string[]>;

const systemLookup: HostLookup = async (hostname) =>
  (await lookup(hostname, { all: true, verbatim: true })).map((entry) => entry.address);

/**
 * Deliveries over real HTTP (the runtime's fetch). The URL was checked when the webhook was registered; it is
 * checked again here, and its host name is resolved first, so a name that points at a private or metadata
 * address (now, or since registration) is refused before any request is made. Redirects are never followed:
 * a 3xx is an answer like any other non-2xx, so a receiver cannot bounce a delivery into our network.
 */
export function httpWebhookTransport(options: {
  readonly policy: WebhookUrlPolicy;
  readonly timeoutMs: number;
  readonly lookupHost?: HostLookup;
}): WebhookTransport {
  const lookupHost = options.lookupHost ?? systemLookup;
  return {
    async send(request): Promise<WebhookResponse> {
      const started = performance.now();
      const elapsed = () => Math.round(performance.now() - started);
      const unreachable = (error: string): WebhookResponse => ({ kind: 'unreachable', error, durationMs: elapsed() });

      const violations = webhookUrlViolations(request.url, options.policy);
      if (violations.length > 0) {
        return unreachable(`refused: the URL breaks ${violations.map((violation) => violation.rule).join(', ')}`);
      }
      const host = new URL(request.url).hostname.replace(/^\[|\]$/g, '');
      if (isIP(host) === 0) {
        let addresses: readonly string[];
        try {
          addresses = await lookupHost(host);
        } catch (error) {
          return unreachable(`the host name did not resolve (${(error as { code?: string }).code ?? 'DNS error'})`);
        }
        const forbidden = addresses.find((address) => !isAllowedAddress(address, options.policy));
        if (forbidden !== undefined || addresses.length === 0) {
          return unreachable(`refused: ${host} resolves to ${forbidden ?? 'nothing'}, which is not a public address`);
        }
      }
      try {
        const response = await fetch(request.url, {
          method: 'POST',
          headers: request.headers,
          body: request.body,
          redirect: 'manual',
          signal: AbortSignal.timeout(options.timeoutMs),
        });
        // The answer's body is of no interest, and reading it could take long: let the connection go.
        await response.body?.cancel().catch(() => undefined);
        return { kind: 'answered', status: response.status, durationMs: elapsed() };
      } catch (error) {
        const { name, cause } = error as Error & { cause?: { code?: string; message?: string } };
        if (name === 'TimeoutError' || name === 'AbortError') {
          return unreachable(`no answer within ${options.timeoutMs / 1000} s`);
        }
        return unreachable(`could not connect (${cause?.code ?? cause?.message ?? (error as Error).message})`);
      }
    },
  };
}
