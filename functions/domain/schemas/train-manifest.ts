import Type, { type Static } from 'typebox';
import { WAYBILL_NUMBER_PATTERN } from '../identifiers.ts';

const closed = { additionalProperties: false } as const;

/** The most wagons a manifest may list: well above the 45–50 of a block train at Horgos and the 55 of a Chinese one. */
export const MAX_WAGONS_PER_TRAIN = 120;
/** An 80-foot flat wagon carries at most four 20-foot containers. */
export const MAX_CONTAINERS_PER_WAGON = 4;
/** Consignments loaded in a wagon without a container (bagged, palletised, timber), each under its own waybill. */
export const MAX_LOOSE_WAYBILLS_PER_WAGON = 50;

const WaybillNumber = Type.String({
  pattern: WAYBILL_NUMBER_PATTERN,
  description: 'The through waybill (SMGS or CIM/SMGS) the goods travel under',
});

export const ManifestContainerSchema = Type.Object(
  {
    number: Type.String({ format: 'iso6346', description: 'ISO 6346, check digit included' }),
    waybillNumber: WaybillNumber,
  },
  { ...closed, title: 'ManifestContainer' },
);

export const ManifestWagonSchema = Type.Object(
  {
    number: Type.String({
      format: 'wagon-number',
      description: 'The 8-digit 1,520 mm or 12-digit UIC wagon number, digits only, check digit included',
    }),
    containers: Type.Optional(
      Type.Array(ManifestContainerSchema, {
        maxItems: MAX_CONTAINERS_PER_WAGON,
        description: 'The containers on the wagon, each with the waybill it travels under',
      }),
    ),
    waybillNumbers: Type.Optional(
      Type.Array(WaybillNumber, {
        maxItems: MAX_LOOSE_WAYBILLS_PER_WAGON,
        description: 'Waybills of goods loaded in the wagon without a container',
      }),
    ),
  },
  { ...closed, title: 'ManifestWagon' },
);

const StationName = Type.String({ minLength: 1, maxLength: 100 });

/**
 * The train manifest (舱单) the railway files before the train enters the port: what the train carries, wagon by
 * wagon, and under which through waybill. Declarations are matched against it, and it is written off once every
 * line is released. The train it belongs to is named by the URL (number and date), not repeated here.
 */
export const TrainManifestSchema = Type.Object(
  {
    departedAt: Type.String({ format: 'date-time', description: 'When the train left its origin station' }),
    originStation: Type.Optional(StationName),
    destinationStation: Type.Optional(StationName),
    wagons: Type.Array(ManifestWagonSchema, { minItems: 1, maxItems: MAX_WAGONS_PER_TRAIN }),
  },
  { ...closed, title: 'TrainManifest' },
);
export type TrainManifest = Static<typeof TrainManifestSchema>;
export type ManifestWagon = Static<typeof ManifestWagonSchema>;
