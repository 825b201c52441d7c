import { systemActor } from '#domain/actors.ts';
import type { DeclarationDocument } from '#domain/declaration-types/registry.ts';
import { DeclarationNotFoundError } from '#domain/errors.ts';
import { TRANSITION } from '#domain/lifecycle.ts';
import { RAIL_WAIT, type RailWait } from '#domain/port-events.ts';
import type { RandomSelectionSettings, RiskChannel } from '#domain/risk.ts';
import type { FilingMode } from '#domain/schemas/rail-import.ts';
import { MANIFEST_MATCH, type ManifestMatchOutcome } from '#domain/screening.ts';
import { matchAgainstManifest, TrainVersionConflictError, trainKeyOf, writeOffIfAccountedFor } from '#domain/trains.ts';
import { awaitsCompletion } from '#domain/two-step.ts';
import { advanceDeclaration } from './advance-declaration.ts';
import { loadWithDocument } from './load-with-document.ts';
import type { OfficerTaskStore, TraderHistory, TrainStore } from './ports.ts';
import { arriveAndResume, completeAndResume, moveOn, type TrainEventPorts } from './train-events.ts';
import { assessRisk } from './workflow-steps.ts';

type ScreeningPorts = Omit<TrainEventPorts, 'milestones' | 'tasks' | 'slaPolicy'> & {
  readonly trains: Pick<TrainStore, 'loadManifest'>;
  readonly traderHistory: TraderHistory;
  readonly randomSelection: RandomSelectionSettings;
};

export interface Screening {
  readonly manifest: ManifestMatchOutcome;
  /** Assessed once the declaration matches its train's manifest (or has none to match, as on the road). */
  readonly channel?: RiskChannel;
  /** A rail declaration's filing mode: after release, a SUMMARY waits for its complete declaration. */
  readonly filingMode?: FilingMode;
}

/**
 * The workflow's first step (R4 then R5): a rail declaration is matched against its train's manifest, by waybill,
 * containers and wagons; a mismatch is reported to the broker naming each line, and the workflow waits for an
 * amendment. A declaration that matches (or a road one, which has no manifest) gets its risk channel.
 */
export async function screenDeclaration(ports: ScreeningPorts, declarationId: string): Promise<Screening> {
  const { record, document } = await loadWithDocument(ports, declarationId);
  if (document.declarationType !== 'RAIL_IMPORT') {
    const { channel } = await assessRisk(ports, declarationId);
    return { manifest: MANIFEST_MATCH.NOT_REQUIRED, channel };
  }
  const manifest = await ports.trains.loadManifest(document.train);
  const match =
    manifest === undefined
      ? {
          kind: 'mismatch' as const,
          lines: [
            {
              field: '/train',
              rule: 'manifest-on-file',
              detail: `no manifest is on file for train ${trainKeyOf(document.train)} yet`,
            },
          ],
        }
      : matchAgainstManifest(manifest.manifest, consignmentOf(document));
  const screened = { screened: { documentVersion: record.documentVersion, manifestVersion: manifest?.version } };
  if (match.kind === 'mismatch') {
    await advanceDeclaration(
      ports,
      record,
      {
        transition: TRANSITION.REPORT_MANIFEST_MISMATCH,
        actor: systemActor('manifest-matching'),
        reason: `the declaration does not match the manifest of train ${trainKeyOf(document.train)}: ${match.lines.length} line(s) to amend`,
        details: { lines: match.lines, ...(manifest === undefined ? {} : { manifestVersion: manifest.version }) },
      },
      screened,
    );
    return { manifest: MANIFEST_MATCH.MISMATCH, filingMode: document.filingMode };
  }
  await advanceDeclaration(
    ports,
    record,
    {
      transition: TRANSITION.MATCH_MANIFEST,
      actor: systemActor('manifest-matching'),
      details: { manifestVersion: manifest?.version, train: trainKeyOf(document.train) },
    },
    screened,
  );
  const { channel } = await assessRisk(ports, declarationId);
  return { manifest: MANIFEST_MATCH.MATCHED, channel, filingMode: document.filingMode };
}

function consignmentOf(document: Extract<DeclarationDocument, { declarationType: 'RAIL_IMPORT' }>) {
  return {
    waybillNumber: document.waybillNumber,
    containers: (document.containers ?? []).map((container) => container.number),
    wagons: (document.wagons ?? []).map((wagon) => wagon.number),
  };
}

/**
 * A rail workflow parks here (.waitForTaskToken) until the event it waits for: its train's arrival, the end of
 * the train's gauge change, the broker's amendment after a mismatch, or the complete declaration of goods
 * released under a summary. An event reported before the workflow got here is found at once, so nothing is missed
 * between the report and the wait.
 */
export async function awaitRailEvent(
  ports: TrainEventPorts,
  input: { readonly declarationId: string; readonly taskToken: string; readonly milestone: RailWait },
): Promise<void> {
  const { record, document } = await loadWithDocument(ports, input.declarationId);
  // A rail wait on anything but a rail declaration is a bug in the state machine: permanent, not retried.
  if (document.declarationType !== 'RAIL_IMPORT') throw new DeclarationNotFoundError(input.declarationId);
  const train = trainKeyOf(document.train);
  const wait = { declarationId: input.declarationId, taskToken: input.taskToken };
  const now = ports.clock();
  switch (input.milestone) {
    case RAIL_WAIT.TRAIN_ARRIVED: {
      await advanceDeclaration(ports, record, {
        transition: TRANSITION.AWAIT_ARRIVAL,
        actor: systemActor('workflow'),
        details: { milestone: input.milestone, train },
      });
      await ports.milestones.registerWait(input.milestone, train, wait, now);
      const arrival = await ports.milestones.find('TRAIN_ARRIVED', train);
      if (arrival !== undefined) await arriveAndResume(ports, train, wait, arrival);
      return;
    }
    case RAIL_WAIT.TRANSSHIPMENT_COMPLETED: {
      await ports.milestones.registerWait(input.milestone, train, wait, now);
      const started = await ports.milestones.find('TRANSSHIPMENT_STARTED', train);
      if (started !== undefined) await moveOn(ports, input.declarationId, TRANSITION.START_TRANSSHIPMENT, started);
      const completed = await ports.milestones.find('TRANSSHIPMENT_COMPLETED', train);
      if (completed !== undefined) await completeAndResume(ports, train, wait, completed);
      return;
    }
    case RAIL_WAIT.DECLARATION_AMENDED: {
      await ports.milestones.registerWait(input.milestone, input.declarationId, wait, now);
      // Amended after the mismatch was found but before this wait began: screen it again now.
      const screened = record.facts.screened as { documentVersion?: number } | undefined;
      if ((screened?.documentVersion ?? 0) < record.documentVersion) {
        await ports.tasks.resume(input.taskToken, { amendedDocumentVersion: record.documentVersion });
        await ports.milestones.removeWait(input.milestone, input.declarationId, input.declarationId);
      }
      return;
    }
    case RAIL_WAIT.DECLARATION_COMPLETED: {
      await ports.milestones.registerWait(input.milestone, input.declarationId, wait, now);
      // Completed before this wait began (before release, or between the release and now): go on at once. Read
      // again after registering, so a completion between the first read and the registration is not missed.
      const latest = await loadWithDocument(ports, input.declarationId);
      if (!awaitsCompletion(latest.document)) {
        await ports.tasks.resume(input.taskToken, completedOutput(latest.record.documentVersion));
        await ports.milestones.removeWait(input.milestone, input.declarationId, input.declarationId);
      }
      return;
    }
  }
}

const completedOutput = (documentVersion: number) => ({ completedDocumentVersion: documentVersion });

/**
 * The broker completed a two-step summary: a workflow waiting for the complete declaration ends, and so does an
 * officer's follow-up of it, if the period had run out (its task is closed after the workflow was resumed, so a
 * retry after a crash resumes it again rather than leave it waiting).
 */
export async function resumeAfterCompletion(
  ports: Pick<TrainEventPorts, 'milestones' | 'tasks'> & {
    readonly officerTasks: Pick<OfficerTaskStore, 'loadTask' | 'saveTask'>;
  },
  declarationId: string,
  documentVersion: number,
): Promise<{ readonly resumed: number }> {
  let resumed = 0;
  for (const wait of await ports.milestones.waitsFor(RAIL_WAIT.DECLARATION_COMPLETED, declarationId)) {
    if (await ports.tasks.resume(wait.taskToken, completedOutput(documentVersion))) resumed++;
    await ports.milestones.removeWait(RAIL_WAIT.DECLARATION_COMPLETED, declarationId, wait.declarationId);
  }
  const task = await ports.officerTasks.loadTask(declarationId);
  if (task?.kind === 'COMPLETION_OVERDUE' && task.state === 'OPEN') {
    if (await ports.tasks.resume(task.taskToken, completedOutput(documentVersion))) resumed++;
    await ports.officerTasks.saveTask({ ...task, state: 'CLOSED', revision: task.revision + 1 }, task.revision);
  }
  return { resumed };
}

/** The broker amended a declaration: a workflow waiting for the amendment screens it again. */
export async function resumeAfterAmendment(
  ports: Pick<TrainEventPorts, 'milestones' | 'tasks'>,
  declarationId: string,
  documentVersion: number,
): Promise<boolean> {
  const waits = await ports.milestones.waitsFor(RAIL_WAIT.DECLARATION_AMENDED, declarationId);
  for (const wait of waits) {
    await ports.tasks.resume(wait.taskToken, { amendedDocumentVersion: documentVersion });
    await ports.milestones.removeWait(RAIL_WAIT.DECLARATION_AMENDED, declarationId, wait.declarationId);
  }
  return waits.length > 0;
}

/**
 * A rail declaration was released (or otherwise closed): its line of the train's manifest is accounted for, and
 * once every line is, the manifest is written off (R7). Idempotent: a retried step closes the same line again.
 */
export async function accountForManifestLine(
  ports: {
    readonly trains: Pick<TrainStore, 'closeLine' | 'closedLines' | 'loadHead' | 'loadManifest' | 'saveHead'>;
    readonly clock: () => Date;
  },
  declaration: { readonly id: string; readonly status: string },
  document: DeclarationDocument,
): Promise<{ readonly writtenOff: boolean }> {
  if (document.declarationType !== 'RAIL_IMPORT') return { writtenOff: false };
  const now = ports.clock();
  await ports.trains.closeLine(document.train, document.waybillNumber, declaration.id, declaration.status, now);
  for (let attempt = 1; attempt <= 3; attempt++) {
    const [head, manifest] = await Promise.all([
      ports.trains.loadHead(document.train),
      ports.trains.loadManifest(document.train),
    ]);
    if (head === undefined || manifest === undefined) return { writtenOff: false };
    const next = writeOffIfAccountedFor(head, manifest.manifest, await ports.trains.closedLines(document.train), now);
    if (next === undefined) return { writtenOff: head.status === 'WRITTEN_OFF' };
    try {
      await ports.trains.saveHead({ expectedVersion: head.version, head: next });
      return { writtenOff: true };
    } catch (error) {
      // Another declaration of the train closed its line at the same moment: decide again on the new head.
      if (!(error instanceof TrainVersionConflictError)) throw error;
    }
  }
  return { writtenOff: false };
}
