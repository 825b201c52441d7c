import type { BookingState, SlotBooking } from '#domain/slot-booking.ts';
import { localIsoOf } from '#domain/slot-calendar.ts';
import type { SlotBookingView } from '#shared/slot-schemas.ts';

/** A booking as the API shows it: its times on the port's clock; who booked it only to those who see everything. */
export function slotBookingViewOf(
  found: { readonly booking: SlotBooking; readonly state: BookingState; readonly full: boolean },
  links: SlotBookingView['links'],
): SlotBookingView {
  const { booking } = found;
  const local = (instant: string) => localIsoOf(new Date(instant), booking.timeZone);
  return {
    declarationId: booking.declarationId,
    laneType: booking.laneType,
    startsAt: local(booking.startsAt),
    endsAt: local(booking.endsAt),
    localDate: booking.localDate,
    localHour: booking.localHour,
    timeZone: booking.timeZone,
    truck: { plate: booking.truck.plate, country: booking.truck.country },
    state: found.state,
    noShowAt: local(booking.noShowAt),
    bookedAt: booking.bookedAt,
    ...(found.full ? { bookedBy: booking.bookedBy } : {}),
    revision: booking.revision,
    links,
  };
}
