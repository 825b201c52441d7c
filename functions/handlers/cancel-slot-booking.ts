import { declarationStoreFromEnv, systemClock } from '#adapters/from-environment.ts';
import { slotStoreFromEnv } from '#adapters/slots-from-environment.ts';
import { cancelSlotBooking } from '#application/slots.ts';
import { route } from '#generated/routes/cancelSlotBooking.ts';
import { httpRoute } from '#shared/http.ts';
import { brokerIdOf } from '#shared/principal.ts';
import { ProblemError, ruleViolationsProblem } from '#shared/problem.ts';

const ports = {
  declarations: declarationStoreFromEnv(),
  slots: slotStoreFromEnv(),
  clock: systemClock,
};

/** DELETE: gives the hour back; with nothing booked it answers the same and writes nothing. */
export const handler = httpRoute(route, async ({ path, principal, caller }) => {
  brokerIdOf(principal);
  const outcome = await cancelSlotBooking(ports, { caller, id: path.id });
  switch (outcome.kind) {
    case 'not-found':
      throw new ProblemError('not-found', `no declaration ${path.id}`);
    case 'refused':
      throw ruleViolationsProblem('slot request', outcome.violations);
    case 'conflict':
      throw new ProblemError('conflict', outcome.detail, [{ field: 'id', rule: outcome.rule, detail: outcome.detail }]);
    default:
      return { statusCode: 204, headers: {}, body: '' };
  }
});
