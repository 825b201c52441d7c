import type { TrainRef } from './schemas/train-ref.ts';

export type { TrainRef };

/**
 * The one string a train is known by in keys, waits and logs: number and date, e.g. "X8001@2026-11-21".
 * "@" appears in neither part (see TRAIN_NUMBER_PATTERN and the date format), so the key parses back.
 */
export function trainKeyOf(train: TrainRef): string {
  return `${train.trainNumber}@${train.trainDate}`;
}
