import { systemClock } from '#adapters/from-environment.ts';
import { slotCalendarFromEnv, slotStoreFromEnv } from '#adapters/slots-from-environment.ts';
import { readSlotAvailability } from '#application/slots.ts';
import * as routePaths from '#generated/route-paths.ts';
import { route } from '#generated/routes/getSlotAvailability.ts';
import { httpRoute, json } from '#shared/http.ts';
import { linkTo } from '#shared/links.ts';

const ports = { slots: slotStoreFromEnv(), calendar: slotCalendarFromEnv(), clock: systemClock };

export const handler = httpRoute(route, async ({ event, query }) => {
  const day = await readSlotAvailability(ports, { laneType: query.laneType, date: query.date });
  return json(200, {
    ...day,
    links: { self: linkTo(event, routePaths.getSlotAvailability, {}, { date: day.date, laneType: day.laneType }) },
  });
});
