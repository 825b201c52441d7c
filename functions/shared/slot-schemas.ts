import Type, { type Static } from 'typebox';
import { ActorSchema } from '#domain/schemas/actor.ts';
import { LaneTypeSchema } from '#domain/schemas/slots.ts';
import { FREIGHT_HOURS_MODES } from '#domain/slot-calendar.ts';

/** What the API answers about slots. The response types derive from these schemas. */
const localInstant = (description: string) =>
  Type.String({ format: 'date-time', description: `${description}, on the port's clock (with its offset)` });

export const SlotBookingSchema = Type.Object(
  {
    declarationId: Type.String(),
    laneType: LaneTypeSchema,
    startsAt: localInstant('When the hour booked starts'),
    endsAt: localInstant('When it ends'),
    localDate: Type.String({ format: 'date', description: 'The port’s date of the hour' }),
    localHour: Type.Integer({ minimum: 0, maximum: 23 }),
    timeZone: Type.String({ description: 'The port’s IANA time zone' }),
    truck: Type.Object(
      { plate: Type.String(), country: Type.String() },
      { additionalProperties: false, description: 'The truck booked: the gate expects this plate' },
    ),
    state: Type.Enum(['BOOKED', 'EXPIRED'], {
      description:
        'BOOKED: the truck is expected; EXPIRED: its no-show deadline passed before it gated in, so book again',
    }),
    noShowAt: localInstant('From when the booking is a no-show: the hour’s start plus the grace period'),
    bookedAt: Type.String({ format: 'date-time' }),
    bookedBy: Type.Optional(ActorSchema),
    revision: Type.Integer({ minimum: 1, description: '1 when booked, one more per change' }),
    links: Type.Object({
      self: Type.String({
        description: 'The booking, under its declaration’s URL: PUT to move it, DELETE to cancel it',
      }),
      availability: Type.String({ description: 'The lane’s calendar of the booked day' }),
    }),
  },
  { additionalProperties: false, title: 'SlotBooking' },
);
export type SlotBookingView = Static<typeof SlotBookingSchema>;

export const SlotAvailabilitySchema = Type.Object(
  {
    date: Type.String({ format: 'date', description: 'The port’s local date' }),
    laneType: LaneTypeSchema,
    timeZone: Type.String(),
    freightHours: Type.Enum([...FREIGHT_HOURS_MODES], {
      description: 'ROUND_THE_CLOCK: every hour is cleared; DAYTIME: the operatingHours only',
    }),
    operatingHours: Type.String({ description: 'HH:MM-HH:MM on the port’s clock' }),
    capacityPerHour: Type.Integer({ minimum: 0 }),
    noShowGraceMinutes: Type.Integer({ minimum: 0 }),
    hours: Type.Array(
      Type.Object(
        {
          startsAt: localInstant('When the hour starts: what a booking names'),
          endsAt: localInstant('When it ends'),
          localHour: Type.Integer({ minimum: 0, maximum: 23 }),
          open: Type.Boolean({ description: 'Freight is cleared in this hour' }),
          capacity: Type.Integer({ minimum: 0 }),
          booked: Type.Integer({
            minimum: 0,
            description: 'Units held by bookings, no-shows not yet rebooked included',
          }),
          available: Type.Integer({ minimum: 0 }),
          bookable: Type.Boolean({ description: 'A booking for it would be taken now: open, not past, a unit left' }),
        },
        { additionalProperties: false },
      ),
      { description: 'Every hour of the local date, in order (23 or 25 on a day the clocks change)' },
    ),
    links: Type.Object({ self: Type.String() }),
  },
  { additionalProperties: false, title: 'SlotAvailability' },
);
export type SlotAvailabilityView = Static<typeof SlotAvailabilitySchema>;
