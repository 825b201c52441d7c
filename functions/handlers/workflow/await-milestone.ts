import { declarationStoreFromEnv, milestoneStoreFromEnv, systemClock } from '#adapters/from-environment.ts';
import { slaPolicyFromEnv } from '#adapters/sla-from-environment.ts';
import { slotBookingsFromEnv } from '#adapters/slots-from-environment.ts';
import { taskCallbacksFromEnv } from '#adapters/step-functions-from-environment.ts';
import { awaitRailEvent } from '#application/rail-steps.ts';
import { awaitRoadEvent } from '#application/road-steps.ts';
import { awaitMilestone } from '#application/workflow-steps.ts';
import { RAIL_WAIT, type RailWait, ROAD_WAIT, type RoadWait } from '#domain/port-events.ts';
import { workflowStep } from '#shared/workflow-step.ts';

const ports = {
  declarations: declarationStoreFromEnv(),
  milestones: milestoneStoreFromEnv(),
  tasks: taskCallbacksFromEnv(),
  clock: systemClock,
  slaPolicy: slaPolicyFromEnv(),
  slots: slotBookingsFromEnv(),
};

const isRailWait = (name: unknown): name is RailWait => Object.values<unknown>(RAIL_WAIT).includes(name);
const isRoadWait = (name: unknown): name is RoadWait => Object.values<unknown>(ROAD_WAIT).includes(name);

/**
 * (.waitForTaskToken) Parks the task token until what the declaration waits for is reported: a rail wait the
 * state machine names (arrival, gauge change, amendment), a road wait (slot, gate, exit), else the milestone of the declaration's type.
 */
export const handler = workflowStep((input: { declarationId: string; taskToken: string; milestone?: string }) =>
  isRailWait(input.milestone)
    ? awaitRailEvent(ports, { ...input, milestone: input.milestone })
    : isRoadWait(input.milestone)
      ? awaitRoadEvent(ports, { ...input, milestone: input.milestone })
      : awaitMilestone(ports, input),
);
