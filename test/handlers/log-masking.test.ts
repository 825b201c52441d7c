import assert from 'node:assert/strict';
import { beforeEach, describe, it, type TestContext } from 'node:test';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { maskPersonalData, REDACTED } from '#shared/log-masking.ts';
import { documents, resetAwsMocks } from '../support/aws.ts';
import { railImportDeclaration } from '../support/declarations.ts';
import { apiEvent, brokerClaims, lambdaContext, parseResponse, setUpLambdaEnvironment } from '../support/lambda.ts';

// Logs on, and event logging too, the worst case: the logger then logs every incoming event, body and headers.
setUpLambdaEnvironment();
process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
process.env.POWERTOOLS_LOGGER_LOG_EVENT = 'true';
const { handler: submitDeclaration } = await import('../../functions/handlers/file-declaration.ts');
const { createLogger } = await import('#shared/logger.ts');

/** The personal data of the declarations below: none of it may appear in any log line. */
const PERSONAL_VALUES = [
  'Almaty Trade LLP',
  '870412300457',
  'Khorgos Gateway Ltd',
  '990011223344',
  'Nurlan Abenov',
  'N12345678',
  'KZ-DL-5566778',
  'ops@almaty-trade.example',
  'eyJhbGciOiJSUzI1NiJ9.secret-token',
];

/** A declaration as the road mode will carry it: parties, a driver with passport and licence, contacts. */
function declarationWithPeople() {
  return {
    ...railImportDeclaration({ consignee: { name: 'Almaty Trade LLP', taxId: '870412300457' } }),
    consignor: { name: 'Khorgos Gateway Ltd', taxId: '990011223344', address: 'Dostyk 1, Khorgos' },
    drivers: [{ name: 'Nurlan Abenov', passportNumber: 'N12345678', documentNumber: 'KZ-DL-5566778' }],
    contactEmail: 'ops@almaty-trade.example',
  };
}

/** Everything the logger writes (INFO to stdout, ERROR to stderr) while `action` runs, one JSON object a line. */
async function logLinesOf(t: TestContext, action: () => unknown): Promise<{ text: string; lines: unknown[] }> {
  const written: string[] = [];
  const captures = [process.stdout, process.stderr].map((stream) => {
    const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
    return t.mock.method(stream, 'write', (chunk: unknown, ...rest: unknown[]) => {
      const text = String(chunk);
      // The test runner reports on the same streams: only log lines are kept, anything else goes through.
      if (!text.startsWith('{"level"')) return write(chunk, ...rest);
      written.push(text);
      return true;
    });
  });
  try {
    await action();
  } finally {
    for (const capture of captures) capture.mock.restore();
  }
  const text = written.join('');
  return {
    text,
    lines: text
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as unknown),
  };
}

function assertNoPersonalData(text: string): void {
  assert.ok(text.length > 0, 'something was logged');
  for (const value of PERSONAL_VALUES) assert.ok(!text.includes(value), `the log contains "${value}":\n${text}`);
}

describe('personal data never reaches a log line', () => {
  beforeEach(() => {
    resetAwsMocks();
  });

  it('maskPersonalData keeps the trade facts of a declaration and hides the people in it', () => {
    const masked = maskPersonalData(declarationWithPeople());
    assert.deepEqual(masked.consignee, REDACTED);
    assert.deepEqual(masked.consignor, REDACTED);
    assert.deepEqual(masked.drivers, REDACTED);
    assert.equal(masked.contactEmail, REDACTED);
    assert.equal(masked.waybillNumber, 'SMGS-24117790');
    assert.equal(masked.containers?.[0]?.number, 'CSQU3054383');
    assert.equal(masked.goods[0]?.hsCode, '85171300');
    assertNoPersonalData(JSON.stringify(masked));
  });

  it('a problem about a personal field keeps its field and rule, never a detail that could echo the value', () => {
    const [problem, other] = maskPersonalData([
      { field: '/drivers/0/passportNumber', rule: 'pattern', detail: 'N12345678 is not a passport number' },
      { field: '/containers/0/number', rule: 'iso6346-check-digit', detail: 'must match format "iso6346"' },
    ]);
    assert.deepEqual(problem, { field: '/drivers/0/passportNumber', rule: 'pattern', detail: REDACTED });
    assert.deepEqual(other, {
      field: '/containers/0/number',
      rule: 'iso6346-check-digit',
      detail: 'must match format "iso6346"',
    });
  });

  it('a logged declaration, refusal and error keep their shape but lose every personal value', async (t) => {
    const log = createLogger({ logLevel: 'INFO' });
    const failure = Object.assign(new Error('write failed for ops@almaty-trade.example'), {
      Item: { document: declarationWithPeople() },
      cause: Object.assign(new Error('conditional check failed'), { consignee: { name: 'Almaty Trade LLP' } }),
    });
    const { text, lines } = await logLinesOf(t, () => {
      log.info('declaration received', { declaration: declarationWithPeople() });
      log.info('request refused', {
        errors: [{ field: '/consignee/name', rule: 'maxLength', detail: 'Almaty Trade LLP is too long' }],
      });
      log.error('unhandled error', { error: failure });
    });

    assertNoPersonalData(text);
    assert.equal(lines.length, 3);
    const [received, refused, failed] = lines as Array<{
      declaration?: { waybillNumber?: string };
      errors?: unknown;
      error?: { name?: string; message?: string; cause?: { name?: string; message?: string } };
    }>;
    assert.deepEqual(Object.keys(received ?? {}).slice(0, 4), ['level', 'message', 'timestamp', 'service']);
    assert.equal(received?.declaration?.waybillNumber, 'SMGS-24117790');
    assert.deepEqual(refused?.errors, [{ field: '/consignee/name', rule: 'maxLength', detail: REDACTED }]);
    assert.equal(failed?.error?.name, 'Error');
    assert.equal(failed?.error?.message, `write failed for ${REDACTED}`);
    assert.deepEqual(
      { name: failed?.error?.cause?.name, message: failed?.error?.cause?.message },
      { name: 'Error', message: 'conditional check failed' },
    );
  });

  it('a broker files a declaration, the store fails: neither the logged event nor the error holds personal data', async (t) => {
    documents
      .on(TransactWriteCommand)
      .rejects(Object.assign(new Error('store unavailable'), { Item: { document: declarationWithPeople() } }));
    const event = apiEvent({
      method: 'POST',
      path: '/v1/declarations',
      claims: { ...brokerClaims(), email: 'ops@almaty-trade.example' },
      headers: { 'Idempotency-Key': 'order-4711', Authorization: 'Bearer eyJhbGciOiJSUzI1NiJ9.secret-token' },
      body: declarationWithPeople(),
    });

    let statusCode = 0;
    const { text, lines } = await logLinesOf(t, async () => {
      statusCode = parseResponse(await submitDeclaration(event, lambdaContext('submit-declaration'))).statusCode;
    });

    // The road-mode fields are not in the rail schema, so the request is refused before the store: that path
    // logs the event and the refusal. A valid document reaches the store and fails there.
    assert.equal(statusCode, 422);
    assertNoPersonalData(text);
    assert.ok(lines.some((line) => (line as { message?: string }).message === 'Lambda invocation event'));

    const valid = apiEvent({
      method: 'POST',
      path: '/v1/declarations',
      claims: { ...brokerClaims(), email: 'ops@almaty-trade.example' },
      headers: { 'Idempotency-Key': 'order-4712', Authorization: 'Bearer eyJhbGciOiJSUzI1NiJ9.secret-token' },
      body: railImportDeclaration({ consignee: { name: 'Almaty Trade LLP', taxId: '870412300457' } }),
    });
    const second = await logLinesOf(t, async () => {
      statusCode = parseResponse(await submitDeclaration(valid, lambdaContext('submit-declaration'))).statusCode;
    });
    assert.equal(statusCode, 500);
    assertNoPersonalData(second.text);
    assert.ok(second.lines.some((line) => (line as { message?: string }).message === 'unhandled error'));
  });
});
