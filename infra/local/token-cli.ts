import { parseArgs } from 'node:util';
import type { Role } from '#domain/roles.ts';
import { issueLocalToken } from './local-identity.ts';

/**
 * Prints a token for the local API, e.g.
 *   npm run -s token -- --role broker --broker BRK-ACME
 *   npm run -s token -- --role port-operator
 */
const { values } = parseArgs({
  options: {
    role: { type: 'string', default: 'broker' },
    broker: { type: 'string' },
    subject: { type: 'string' },
    'expires-in': { type: 'string', default: '3600' },
  },
});

try {
  const token = await issueLocalToken({
    role: values.role as Role,
    ...(values.broker === undefined ? {} : { brokerId: values.broker }),
    ...(values.subject === undefined ? {} : { subject: values.subject }),
    expiresInSeconds: Number(values['expires-in']),
  });
  process.stdout.write(`${token}\n`);
} catch (error) {
  process.stderr.write(`token: ${(error as Error).message}\n`);
  process.exitCode = 2;
}
