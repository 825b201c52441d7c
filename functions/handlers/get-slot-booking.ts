import { declarationStoreFromEnv, systemClock } from '#adapters/from-environment.ts';
import { slotStoreFromEnv } from '#adapters/slots-from-environment.ts';
import { slotBookingViewOf } from '#application/slot-views.ts';
import { readSlotBooking } from '#application/slots.ts';
import * as routePaths from '#generated/route-paths.ts';
import { route } from '#generated/routes/getSlotBooking.ts';
import { httpRoute, json } from '#shared/http.ts';
import { linkTo } from '#shared/links.ts';
import { ProblemError } from '#shared/problem.ts';

const ports = { declarations: declarationStoreFromEnv(), slots: slotStoreFromEnv(), clock: systemClock };

/** A booking and its state now: a no-show's shows EXPIRED once its grace period has passed. */
export const handler = httpRoute(route, async ({ event, path, caller }) => {
  const found = await readSlotBooking(ports, { caller, id: path.id });
  if (found === undefined) throw new ProblemError('not-found', `no slot is booked for declaration ${path.id}`);
  const { booking } = found;
  return json(
    200,
    slotBookingViewOf(found, {
      self: linkTo(event, routePaths.getSlotBooking, { id: booking.declarationId }),
      availability: linkTo(
        event,
        routePaths.getSlotAvailability,
        {},
        {
          date: booking.localDate,
          laneType: booking.laneType,
        },
      ),
    }),
  );
});
