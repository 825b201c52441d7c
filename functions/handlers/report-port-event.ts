import { milestoneStoreFromEnv } from '#adapters/from-environment.ts';
import { taskCallbacksFromEnv } from '#adapters/step-functions-from-environment.ts';
import { reportPortEvent } from '#application/report-port-event.ts';
import * as routes from '#generated/routes.ts';
import { httpRoute, json } from '#shared/http.ts';
import { replayFirstAnswer } from '#shared/idempotency.ts';
import { ProblemError } from '#shared/problem.ts';

const ports = { milestones: milestoneStoreFromEnv(), tasks: taskCallbacksFromEnv() };

export const handler = httpRoute(
  routes.reportPortEvent,
  async ({ body, caller }) => {
    const outcome = await reportPortEvent(ports, { event: body, caller });
    if (outcome.kind === 'not-a-reporter') {
      throw new ProblemError('forbidden', `${body.eventType} is reported by: ${outcome.reporters.join(', ')}`);
    }
    const { kind: _kind, ...accepted } = outcome;
    return json(202, accepted);
  },
  replayFirstAnswer,
);
