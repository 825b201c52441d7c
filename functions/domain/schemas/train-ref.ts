import Type, { type Static } from 'typebox';
import { TRAIN_NUMBER_PATTERN } from '../identifiers.ts';

/**
 * A train is identified by its number and its date (the railway reuses numbers day after day): what a manifest
 * is filed under, what a rail declaration names, and what the railway's and the terminal's events are matched on.
 */
export const TrainRefSchema = Type.Object(
  {
    trainNumber: Type.String({ pattern: TRAIN_NUMBER_PATTERN, description: 'The railway’s train number' }),
    trainDate: Type.String({ format: 'date', description: 'The train’s date of departure (YYYY-MM-DD)' }),
  },
  { additionalProperties: false, title: 'TrainRef' },
);
export type TrainRef = Static<typeof TrainRefSchema>;
