import { BlockList, isIPv4, isIPv6 } from 'node:net';
import type { RuleViolation } from './document-parts.ts';

/**
 * Where a broker may ask us to send its events. The platform makes the request, so an address inside our own
 * network (loopback, private ranges, link-local and the cloud metadata endpoints) would let a broker probe it:
 * such hosts are refused when the webhook is registered, and again when each delivery resolves the host name.
 *
 * A deployment may allow loopback receivers (`allowLoopbackWebhooks`, on by default in the local harness only),
 * so a receiver on the developer's machine works through the same code, over plain HTTP.
 */
export interface WebhookUrlPolicy {
  readonly allowLoopback: boolean;
}

export const MAX_WEBHOOK_URL_LENGTH = 2048;

/** The rules a webhook URL is refused under (the `rule` of a 422 naming `/url`). */
export const WEBHOOK_URL_RULES = {
  absolute: 'absolute-url',
  maxLength: 'max-url-length',
  httpsOnly: 'https-only',
  noUserinfo: 'no-userinfo',
  noFragment: 'no-fragment',
  publicHost: 'public-host',
} as const;

/** Addresses no webhook may reach: not routable on the internet, or inside the platform's own network. */
const FORBIDDEN = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], // "this" network
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // carrier-grade NAT (also some clouds' metadata, e.g. 100.100.100.200)
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, with the AWS/GCP/Azure metadata endpoint 169.254.169.254
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, and the broadcast address
] as const) {
  FORBIDDEN.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['64:ff9b::', 96], // NAT64: the same, through a translator
  ['fc00::', 7], // unique local (with AWS's IPv6 metadata endpoint fd00:ec2::254)
  ['fe80::', 10], // link-local
  ['ff00::', 8], // multicast
] as const) {
  FORBIDDEN.addSubnet(network, prefix, 'ipv6');
}

// IPv4-mapped IPv6 (::ffff:a.b.c.d) would reach any IPv4 address, private ones included. It is a list of its
// own because BlockList also matches plain IPv4 addresses against an IPv6 rule in that range.
const IPV4_MAPPED = new BlockList();
IPV4_MAPPED.addSubnet('::ffff:0:0', 96, 'ipv6');

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/** An IP address as written in a URL host ("[::1]") or as DNS answers it ("::1"). */
function bare(address: string): string {
  return address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
}

function familyOf(address: string): 'ipv4' | 'ipv6' | undefined {
  if (isIPv4(address)) return 'ipv4';
  if (isIPv6(address)) return 'ipv6';
  return undefined;
}

export function isLoopbackAddress(address: string): boolean {
  const ip = bare(address);
  const family = familyOf(ip);
  return family !== undefined && LOOPBACK.check(ip, family);
}

/** Whether an address may be reached by a delivery: a routable, public address (or loopback, when allowed). */
export function isAllowedAddress(address: string, policy: WebhookUrlPolicy): boolean {
  const ip = bare(address);
  const family = familyOf(ip);
  if (family === undefined) return false;
  if (policy.allowLoopback && isLoopbackAddress(ip)) return true;
  return !FORBIDDEN.check(ip, family) && !(family === 'ipv6' && IPV4_MAPPED.check(ip, family));
}

/** `localhost` and its subdomains always name the machine itself (RFC 6761). */
function isLoopbackName(hostname: string): boolean {
  const name = hostname.toLowerCase().replace(/\.$/, '');
  return name === 'localhost' || name.endsWith('.localhost');
}

function isLoopbackHost(hostname: string): boolean {
  return isLoopbackName(hostname) || isLoopbackAddress(hostname);
}

const violation = (rule: string, detail: string): RuleViolation => ({ pointer: '/url', rule, detail });

/**
 * Every rule a webhook URL breaks; none for a URL we may deliver to. The WHATWG URL parser normalises the
 * host first, so an IPv4 address spelt in hex, octal or as one number ("http://2130706433/") is seen as the
 * dotted address it is. Host names are checked again at delivery, against what they resolve to.
 */
export function webhookUrlViolations(candidate: string, policy: WebhookUrlPolicy): RuleViolation[] {
  const violations: RuleViolation[] = [];
  if (candidate.length > MAX_WEBHOOK_URL_LENGTH) {
    violations.push(violation(WEBHOOK_URL_RULES.maxLength, `at most ${MAX_WEBHOOK_URL_LENGTH} characters`));
  }
  if (!URL.canParse(candidate)) {
    return [...violations, violation(WEBHOOK_URL_RULES.absolute, 'must be an absolute URL, e.g. https://…/hooks')];
  }
  const url = new URL(candidate);
  const loopback = isLoopbackHost(url.hostname);
  const plainHttpAllowed = url.protocol === 'http:' && policy.allowLoopback && loopback;
  if (url.protocol !== 'https:' && !plainHttpAllowed) {
    violations.push(
      violation(
        WEBHOOK_URL_RULES.httpsOnly,
        policy.allowLoopback
          ? 'must use https: (plain http: only to 127.0.0.1 or localhost on this deployment)'
          : 'must use https:',
      ),
    );
  }
  if (url.username !== '' || url.password !== '') {
    violations.push(
      violation(WEBHOOK_URL_RULES.noUserinfo, 'must not carry a user name or password; verify our signature instead'),
    );
  }
  if (candidate.includes('#')) {
    violations.push(violation(WEBHOOK_URL_RULES.noFragment, 'must not have a #fragment: it is never sent'));
  }
  const hostAllowed = loopback
    ? policy.allowLoopback
    : familyOf(bare(url.hostname)) === undefined || isAllowedAddress(url.hostname, policy);
  if (!hostAllowed) {
    violations.push(
      violation(
        WEBHOOK_URL_RULES.publicHost,
        'must name a public host: loopback, private, link-local and metadata addresses are refused',
      ),
    );
  }
  return violations;
}
