import { issueLocalToken } from '../../infra/local/local-identity.ts';

/**
 * Everyone who may knock on the API, as the access matrix and the fuzz test call them: nobody, someone whose
 * token expired, a broker on its own declarations and one on another's, the railway, the port, an officer.
 */
export const CALLERS = [
  'anonymous',
  'expiredToken',
  'ownBroker',
  'otherBroker',
  'railway',
  'portOperator',
  'officer',
] as const;
export type CallerName = (typeof CALLERS)[number];

export const OWN_BROKER_ID = 'BRK-OWN';
export const OTHER_BROKER_ID = 'BRK-OTHER';

/** The Authorization header of each caller (none for the anonymous one). */
export async function callerHeaders(): Promise<Record<CallerName, Record<string, string>>> {
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const [expired, own, other, railway, port, officer] = await Promise.all([
    issueLocalToken({ role: 'broker', brokerId: OWN_BROKER_ID, expiresInSeconds: -60 }),
    issueLocalToken({ role: 'broker', brokerId: OWN_BROKER_ID }),
    issueLocalToken({ role: 'broker', brokerId: OTHER_BROKER_ID }),
    issueLocalToken({ role: 'railway' }),
    issueLocalToken({ role: 'port-operator' }),
    issueLocalToken({ role: 'officer' }),
  ]);
  return {
    anonymous: {},
    expiredToken: bearer(expired),
    ownBroker: bearer(own),
    otherBroker: bearer(other),
    railway: bearer(railway),
    portOperator: bearer(port),
    officer: bearer(officer),
  };
}

/** The same token with its signature changed: well-formed, but signed by nobody the pool knows. */
export function withForgedSignature(token: string): string {
  const [header, payload, signature = ''] = token.split('.');
  const flipped = signature.startsWith('A') ? `B${signature.slice(1)}` : `A${signature.slice(1)}`;
  return `${header}.${payload}.${flipped}`;
}

/** The same token with its claims edited (made an officer of another broker), the signature left as it was. */
export function withEditedClaims(token: string): string {
  const [header, payload = '', signature] = token.split('.');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
  const edited = { ...claims, 'cognito:groups': ['officer', 'broker'], 'custom:brokerId': OTHER_BROKER_ID };
  return `${header}.${Buffer.from(JSON.stringify(edited)).toString('base64url')}.${signature}`;
}
