import { workflowOf } from '#domain/declaration-types/registry.ts';
import { TransitionNotAllowedError } from '#domain/errors.ts';
import { TRANSITION } from '#domain/lifecycle.ts';
import { trainKeyOf } from '#domain/trains.ts';
import { advanceDeclaration } from './advance-declaration.ts';
import type {
  Caller,
  Clock,
  DeclarationRecord,
  DeclarationStore,
  MilestoneStore,
  OfficerTaskStore,
  TrainStore,
  WaitName,
  WorkflowEngine,
} from './ports.ts';
import { accountForManifestLine } from './rail-steps.ts';

export type CancelOutcome =
  | { readonly kind: 'cancelled'; readonly record: DeclarationRecord }
  | { readonly kind: 'not-found' }
  | { readonly kind: 'not-cancellable'; readonly status: string };

/**
 * The broker cancels its declaration, until release. The cancellation is recorded (history and event), and
 * nothing is left behind: its waits are removed, an officer's open task is closed, its workflow is stopped (and
 * with it every waiting task token), and its line of the train's manifest is accounted for. Cancelling a
 * cancelled declaration answers it again.
 */
export async function cancelDeclaration(
  ports: {
    readonly declarations: DeclarationStore;
    readonly milestones: MilestoneStore;
    readonly officerTasks: Pick<OfficerTaskStore, 'loadTask' | 'saveTask'>;
    readonly workflows: WorkflowEngine;
    readonly trains: Pick<TrainStore, 'closeLine' | 'closedLines' | 'loadHead' | 'loadManifest' | 'saveHead'>;
    readonly clock: Clock;
  },
  input: { readonly caller: Caller; readonly brokerId: string; readonly id: string; readonly reason: string },
): Promise<CancelOutcome> {
  const current = await ports.declarations.load(input.id);
  if (current === undefined || current.brokerId !== input.brokerId) return { kind: 'not-found' };
  let record = current;
  if (current.status !== 'CANCELLED') {
    try {
      ({ record } = await advanceDeclaration(ports, current, {
        transition: TRANSITION.CANCEL,
        actor: input.caller.actor,
        reason: input.reason,
      }));
    } catch (error) {
      if (error instanceof TransitionNotAllowedError) return { kind: 'not-cancellable', status: current.status };
      throw error;
    }
  }
  const document = await ports.declarations.loadDocument(record.id, record.documentVersion);
  const waits: [WaitName, string][] =
    document === undefined
      ? []
      : document.declarationType === 'RAIL_IMPORT'
        ? [
            ['TRAIN_ARRIVED', trainKeyOf(document.train)],
            ['TRANSSHIPMENT_COMPLETED', trainKeyOf(document.train)],
            ['DECLARATION_AMENDED', record.id],
          ]
        : [
            ['TRUCK_GATED_IN', document.truck.plate],
            ['TRUCK_SCANNED', document.truck.plate],
          ];
  for (const [wait, key] of waits) await ports.milestones.removeWait(wait, key, record.id);
  const task = await ports.officerTasks.loadTask(record.id);
  if (task?.state === 'OPEN') {
    await ports.officerTasks.saveTask({ ...task, state: 'CLOSED', revision: task.revision + 1 }, task.revision);
  }
  await ports.workflows.stop(workflowOf(record.declarationType), record.id, input.reason);
  if (document !== undefined) await accountForManifestLine(ports, record, document);
  return { kind: 'cancelled', record };
}
