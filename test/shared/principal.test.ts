import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { brokerIdOf, callerOf, parseListClaim, principalOf } from '#shared/principal.ts';
import { ProblemError } from '#shared/problem.ts';

const withClaims = (claims: Record<string, unknown> | undefined) => ({
  requestContext: { authorizer: claims === undefined ? null : { claims } },
});

function assertProblem(action: () => unknown, problemType: string, status: number): void {
  assert.throws(action, (error: unknown) => {
    assert.ok(error instanceof ProblemError);
    assert.equal(error.problemType, problemType);
    assert.equal(error.status, status);
    return true;
  });
}

describe('list claims as API Gateway passes them', () => {
  it('reads the bracketed, space-separated form "[a b]"', () => {
    assert.deepEqual(parseListClaim('[broker port-operator]'), ['broker', 'port-operator']);
  });

  it('reads the comma-separated form "a,b" of older integrations, with or without spaces', () => {
    assert.deepEqual(parseListClaim('broker,port-operator'), ['broker', 'port-operator']);
    assert.deepEqual(parseListClaim('[broker, port-operator]'), ['broker', 'port-operator']);
  });

  it('reads a single group', () => {
    assert.deepEqual(parseListClaim('broker'), ['broker']);
    assert.deepEqual(parseListClaim('[broker]'), ['broker']);
  });

  it('takes a real array as it is', () => {
    assert.deepEqual(parseListClaim(['broker', 'port-operator']), ['broker', 'port-operator']);
  });

  it('reads nothing from an empty, blank, bracketed-empty or missing claim', () => {
    for (const value of ['', '   ', '[]', undefined, null, 42, {}]) {
      assert.deepEqual(parseListClaim(value), [], JSON.stringify(value));
    }
  });
});

describe('the caller behind a request', () => {
  it('knows a broker by subject, role and broker id', () => {
    const principal = principalOf(
      withClaims({ sub: 'u-1', 'cognito:groups': 'broker', 'custom:brokerId': 'BRK-ALMATY-01' }),
    );

    assert.equal(principal.subject, 'u-1');
    assert.deepEqual([...principal.roles], ['broker']);
    assert.equal(principal.brokerId, 'BRK-ALMATY-01');
    assert.equal(brokerIdOf(principal), 'BRK-ALMATY-01');
  });

  it('ignores groups that are not roles of this API', () => {
    const principal = principalOf(withClaims({ sub: 'u-2', 'cognito:groups': '[admins broker auditors]' }));
    assert.deepEqual([...principal.roles], ['broker']);
  });

  it('refuses a request without claims as unauthorized (401)', () => {
    assertProblem(() => principalOf(withClaims(undefined)), 'unauthorized', 401);
    assertProblem(() => principalOf({}), 'unauthorized', 401);
  });

  it('refuses claims without a subject as unauthorized', () => {
    assertProblem(() => principalOf(withClaims({ 'cognito:groups': 'broker' })), 'unauthorized', 401);
    assertProblem(() => principalOf(withClaims({ sub: '', 'cognito:groups': 'broker' })), 'unauthorized', 401);
  });

  it('does not let a port operator act for a broker (403)', () => {
    const operator = principalOf(withClaims({ sub: 'op-1', 'cognito:groups': 'port-operator' }));
    assertProblem(() => brokerIdOf(operator), 'forbidden', 403);
  });

  it('does not let a port operator carrying a stray broker id act for that broker', () => {
    const operator = principalOf(
      withClaims({ sub: 'op-1', 'cognito:groups': 'port-operator', 'custom:brokerId': 'BRK-ALMATY-01' }),
    );
    assertProblem(() => brokerIdOf(operator), 'forbidden', 403);
  });

  it('refuses a broker account without a broker id: it is misconfigured', () => {
    for (const brokerId of [undefined, '']) {
      const principal = principalOf(
        withClaims({
          sub: 'u-3',
          'cognito:groups': 'broker',
          ...(brokerId === undefined ? {} : { 'custom:brokerId': brokerId }),
        }),
      );
      assertProblem(() => brokerIdOf(principal), 'forbidden', 403);
    }
  });
});

describe('the caller the use cases see', () => {
  const both = principalOf(withClaims({ sub: 'u-9', 'cognito:groups': '[port-operator railway]' }));

  it('records a person in the role the route was called in, not a list of groups', () => {
    assert.deepEqual(callerOf(both, ['railway']).actor, { kind: 'railway', id: 'u-9' });
    assert.deepEqual(callerOf(both, ['port-operator', 'railway']).actor, { kind: 'port-operator', id: 'u-9' });
  });

  it('keeps every role the person holds, for what they may see', () => {
    assert.deepEqual([...callerOf(both, ['railway']).roles].sort(), ['port-operator', 'railway']);
  });

  it('carries a broker’s tenancy, and none for other roles', () => {
    const broker = principalOf(
      withClaims({ sub: 'u-1', 'cognito:groups': 'broker', 'custom:brokerId': 'BRK-ALMATY-01' }),
    );

    assert.deepEqual(callerOf(broker, ['broker']), {
      actor: { kind: 'broker', id: 'u-1' },
      roles: new Set(['broker']),
      brokerId: 'BRK-ALMATY-01',
    });
    assert.equal(Object.hasOwn(callerOf(both, ['railway']), 'brokerId'), false);
  });

  it('falls back to a role the person holds when the route names none of them (a public route)', () => {
    assert.equal(callerOf(both, []).actor.kind, 'port-operator');
  });
});
