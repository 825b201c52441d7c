import { declarationStoreFromEnv, systemClock } from '#adapters/from-environment.ts';
import { flagSlaBreach } from '#application/workflow-steps.ts';
import { workflowStep } from '#shared/workflow-step.ts';

const ports = { declarations: declarationStoreFromEnv(), clock: systemClock };

/** A wait's SLA timer fired: flag the breach on the declaration (once per SLA). */
export const handler = workflowStep((input: { declarationId: string; sla: string }) => flagSlaBreach(ports, input));
