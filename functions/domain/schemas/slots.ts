import Type, { type Static } from 'typebox';
import { LANE_TYPE_NAMES, LANE_TYPES } from '../slot-calendar.ts';

export const LaneTypeSchema = Type.Enum(LANE_TYPE_NAMES, {
  description: `The port's lanes: ${LANE_TYPE_NAMES.map((lane) => `${lane}, ${LANE_TYPES[lane].meaning}`).join('; ')}`,
});

/** What a broker asks for: an hour of the port's clock in a lane. The truck comes from the declaration. */
export const SlotRequestSchema = Type.Object(
  {
    laneType: LaneTypeSchema,
    startsAt: Type.String({
      format: 'date-time',
      description:
        'The instant the hour starts, in any offset: 2026-11-21T10:00:00+08:00 and 2026-11-21T02:00:00Z are the same slot (GET /v1/slots lists them)',
    }),
  },
  { additionalProperties: false, title: 'SlotRequest' },
);
export type SlotRequestBody = Static<typeof SlotRequestSchema>;
