import { declarationStoreFromEnv, milestoneStoreFromEnv, systemClock } from '#adapters/from-environment.ts';
import { freightHoursFromEnv, slotBookingsFromEnv } from '#adapters/slots-from-environment.ts';
import { trainStoreFromEnv } from '#adapters/trains-from-environment.ts';
import { workflowCommandsFromEnv } from '#adapters/workflow-commands-from-environment.ts';
import { reportPortEvent } from '#application/report-port-event.ts';
import { route } from '#generated/routes/reportPortEvent.ts';
import { ENV, requireEnv } from '#shared/env.ts';
import { httpRoute, json } from '#shared/http.ts';
import { replayFirstAnswer } from '#shared/idempotency.ts';
import { ProblemError } from '#shared/problem.ts';

const ports = {
  milestones: milestoneStoreFromEnv(),
  tasks: workflowCommandsFromEnv(),
  trains: trainStoreFromEnv(),
  declarations: declarationStoreFromEnv(),
  slots: slotBookingsFromEnv(),
  gateWeightTolerancePercent: Number(requireEnv(ENV.gateWeightTolerancePercent)),
  calendar: freightHoursFromEnv(),
  clock: systemClock,
};

export const handler = httpRoute(
  route,
  async ({ body, caller }) => {
    const outcome = await reportPortEvent(ports, { event: body, caller });
    if (outcome.kind === 'not-a-reporter') {
      throw new ProblemError('forbidden', `${body.eventType} is reported by: ${outcome.reporters.join(', ')}`);
    }
    if (outcome.kind === 'refused') {
      throw new ProblemError(outcome.status === 409 ? 'conflict' : 'validation-failed', outcome.detail, [
        { field: outcome.field, rule: outcome.rule, detail: outcome.detail },
      ]);
    }
    const { kind: _kind, ...accepted } = outcome;
    return json(202, accepted);
  },
  replayFirstAnswer,
);
