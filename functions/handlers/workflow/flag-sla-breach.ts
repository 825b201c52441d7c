import { declarationStoreFromEnv, systemClock } from '#adapters/from-environment.ts';
import { flagMissedCompletion, flagSlaBreach } from '#application/workflow-steps.ts';
import { COMPLETION_DEADLINE } from '#domain/two-step.ts';
import { workflowStep } from '#shared/workflow-step.ts';

const ports = { declarations: declarationStoreFromEnv(), clock: systemClock };

/**
 * A wait's deadline timer fired: flag the breach on the declaration, once per SLA (`sla`), or the two-step
 * completion period's miss (`deadline`).
 */
export const handler = workflowStep((input: { declarationId: string; sla?: string; deadline?: string }) =>
  input.deadline === COMPLETION_DEADLINE
    ? flagMissedCompletion(ports, input)
    : flagSlaBreach(ports, { declarationId: input.declarationId, sla: String(input.sla) }),
);
