import { declarationStoreFromEnv, systemClock, traderHistoryFromEnv } from '#adapters/from-environment.ts';
import { trainStoreFromEnv } from '#adapters/trains-from-environment.ts';
import { accountForManifestLine } from '#application/rail-steps.ts';
import { type RecordTransitionInput, recordTransition } from '#application/workflow-steps.ts';
import { workflowStep } from '#shared/workflow-step.ts';

const ports = {
  declarations: declarationStoreFromEnv(),
  traderHistory: traderHistoryFromEnv(),
  trains: trainStoreFromEnv(),
  clock: systemClock,
};

/**
 * The workflows' later stages (arrival, duties and release, manual review), named in the ASL. A rail release
 * also accounts for the declaration's line of its train's manifest, which is written off once all are.
 */
export const handler = workflowStep(async (input: RecordTransitionInput) => {
  const result = await recordTransition(ports, input);
  if (result.status === 'RELEASED') {
    const record = await ports.declarations.load(input.declarationId);
    const document = record && (await ports.declarations.loadDocument(record.id, record.documentVersion));
    if (record !== undefined && document !== undefined) await accountForManifestLine(ports, record, document);
  }
  return result;
});
