import { jwtVerify, SignJWT } from 'jose';
import { ROLES, type Role } from '#domain/roles.ts';
import { CLAIMS } from '#shared/principal.ts';

/**
 * The local stand-in for the Cognito user pool: it issues id tokens with the claims Cognito would put
 * in them (sub, cognito:groups, custom:brokerId, token_use), and the local API Gateway accepts only these.
 * The signing key is fixed and public on purpose: these tokens mean nothing outside this machine.
 */
const LOCAL_SIGNING_KEY = new TextEncoder().encode('horgos-preclearance-local-only-signing-key');
export const LOCAL_ISSUER = 'https://cognito-idp.local/preclearance-local-pool';
export const LOCAL_CLIENT_ID = 'local-broker-systems';

export interface TokenRequest {
  readonly role: Role;
  readonly brokerId?: string;
  readonly subject?: string;
  readonly expiresInSeconds?: number;
}

export async function issueLocalToken(request: TokenRequest): Promise<string> {
  if (!(ROLES as readonly string[]).includes(request.role)) {
    throw new Error(`unknown role "${request.role}"; roles are: ${ROLES.join(', ')}`);
  }
  if (request.role === 'broker' && (request.brokerId === undefined || request.brokerId === '')) {
    throw new Error('a broker token needs a broker id');
  }
  const subject = request.subject ?? `local-${request.role}-${request.brokerId ?? 'port'}`;
  return new SignJWT({
    [CLAIMS.groups]: [request.role],
    ...(request.brokerId === undefined ? {} : { [CLAIMS.brokerId]: request.brokerId }),
    token_use: 'id',
    'cognito:username': subject,
  })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(subject)
    .setIssuer(LOCAL_ISSUER)
    .setAudience(LOCAL_CLIENT_ID)
    .setIssuedAt()
    .setExpirationTime(`${request.expiresInSeconds ?? 3600}s`)
    .sign(LOCAL_SIGNING_KEY);
}

/** Verifies a token as a Cognito user-pool authorizer would; answers undefined for anything it rejects. */
export async function verifyLocalToken(token: string): Promise<Record<string, unknown> | undefined> {
  try {
    const { payload } = await jwtVerify(token, LOCAL_SIGNING_KEY, { issuer: LOCAL_ISSUER, audience: LOCAL_CLIENT_ID });
    return payload.token_use === 'id' ? payload : undefined;
  } catch {
    return undefined;
  }
}

/**
 * API Gateway hands REST integrations every claim as a string: lists as "[a b]", times as
 * "Fri Jul 29 18:52:53 UTC 2016".
 */
export function claimsAsApiGatewayPassesThem(payload: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(payload).map(([name, value]) => {
      if (Array.isArray(value)) return [name, value.length === 1 ? String(value[0]) : `[${value.join(' ')}]`];
      if ((name === 'exp' || name === 'iat' || name === 'auth_time') && typeof value === 'number') {
        return [name, apiGatewayDate(new Date(value * 1000))];
      }
      return [name, String(value)];
    }),
  );
}

function apiGatewayDate(date: Date): string {
  const [weekday, month, day, year, time] = date.toUTCString().replace(',', '').split(' ') as string[];
  return `${weekday} ${month} ${day} ${time} UTC ${year}`;
}
