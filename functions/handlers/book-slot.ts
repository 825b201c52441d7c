import { declarationStoreFromEnv, systemClock } from '#adapters/from-environment.ts';
import { slotCalendarFromEnv, slotStoreFromEnv } from '#adapters/slots-from-environment.ts';
import { slotBookingViewOf } from '#application/slot-views.ts';
import { bookSlot } from '#application/slots.ts';
import { describeHour } from '#domain/slot-calendar.ts';
import * as routePaths from '#generated/route-paths.ts';
import { route } from '#generated/routes/bookSlot.ts';
import { httpRoute, json } from '#shared/http.ts';
import { linkTo } from '#shared/links.ts';
import { brokerIdOf } from '#shared/principal.ts';
import { ProblemError, ruleViolationsProblem } from '#shared/problem.ts';

const ports = {
  declarations: declarationStoreFromEnv(),
  slots: slotStoreFromEnv(),
  calendar: slotCalendarFromEnv(),
  clock: systemClock,
};

/** PUT: books the truck's hour, moves it, or answers the booking on file; never sells an hour's last unit twice. */
export const handler = httpRoute(route, async ({ event, path, body, principal, caller }) => {
  brokerIdOf(principal);
  const outcome = await bookSlot(ports, { caller, id: path.id, request: body });
  switch (outcome.kind) {
    case 'not-found':
      throw new ProblemError('not-found', `no declaration ${path.id}`);
    case 'refused':
      throw ruleViolationsProblem('slot request', outcome.violations);
    case 'conflict':
      throw new ProblemError('conflict', outcome.detail, [{ field: 'id', rule: outcome.rule, detail: outcome.detail }]);
    case 'full': {
      const detail = `${outcome.laneType} ${describeHour(outcome.hour, ports.calendar.timeZone)} is fully booked (${outcome.capacity} of ${outcome.capacity} units): choose another hour`;
      throw new ProblemError('conflict', detail, [{ field: '/startsAt', rule: 'slot-capacity', detail }]);
    }
    default: {
      const { booking } = outcome;
      return json(
        outcome.kind === 'booked' ? 201 : 200,
        slotBookingViewOf(
          { booking, state: 'BOOKED', full: true },
          {
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
          },
        ),
      );
    }
  }
});
