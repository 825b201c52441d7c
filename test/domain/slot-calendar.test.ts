import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  describeHour,
  hoursOfLocalDate,
  isLocalHourStart,
  isOpenAt,
  isOperatingHour,
  localHourOf,
  localIsoOf,
  localTimeOf,
  nextOpeningAt,
  slotCalendarFrom,
  slotCalendarSettingsOf,
} from '#domain/slot-calendar.ts';

const roundTheClock = slotCalendarFrom();
const daytime = slotCalendarFrom({ freightHours: 'DAYTIME' });
const hourAt = (startsAt: string) => ({ startsAt: new Date(startsAt).toISOString() });

describe('the slot calendar’s configuration', () => {
  it('defaults to the port as it works since the reform: Beijing time, round the clock, an hour’s grace', () => {
    assert.deepEqual(roundTheClock, {
      timeZone: 'Asia/Shanghai',
      freightHours: 'ROUND_THE_CLOCK',
      daytimeHours: { opensAt: 10 * 60, closesAt: 18 * 60 },
      capacityPerHour: { FREIGHT: 30, VEHICLE_CARRIER: 20 },
      noShowGraceMinutes: 60,
    });
  });

  it('takes the zone, the mode, the hours, capacities over the defaults and the grace from configuration', () => {
    const calendar = slotCalendarFrom({
      timeZone: 'Asia/Almaty',
      freightHours: 'DAYTIME',
      daytimeHours: '08:30-17:30',
      capacityPerHour: '{"FREIGHT":3}',
      noShowGraceMinutes: '15',
    });
    assert.equal(calendar.timeZone, 'Asia/Almaty');
    assert.deepEqual(calendar.daytimeHours, { opensAt: 8 * 60 + 30, closesAt: 17 * 60 + 30 });
    assert.deepEqual(calendar.capacityPerHour, { FREIGHT: 3, VEHICLE_CARRIER: 20 });
    assert.equal(calendar.noShowGraceMinutes, 15);
    assert.deepEqual(slotCalendarFrom(slotCalendarSettingsOf(calendar)), calendar, 'settings round-trip');
  });

  it('refuses configuration it cannot honour, naming the setting', () => {
    assert.throws(() => slotCalendarFrom({ timeZone: 'Beijing' }), /time zone "Beijing"/);
    assert.throws(() => slotCalendarFrom({ freightHours: 'NIGHT' }), /freight hours "NIGHT"/);
    assert.throws(() => slotCalendarFrom({ daytimeHours: '10-18' }), /daytime hours "10-18"/);
    assert.throws(() => slotCalendarFrom({ daytimeHours: '10:00-10:00' }), /daytime hours/);
    assert.throws(() => slotCalendarFrom({ daytimeHours: '10:00-24:30' }), /daytime hours/);
    assert.throws(() => slotCalendarFrom({ capacityPerHour: '{"BUS":4}' }), /unknown lane type "BUS"/);
    assert.throws(() => slotCalendarFrom({ capacityPerHour: '{"FREIGHT":-1}' }), /capacity of FREIGHT/);
    assert.throws(() => slotCalendarFrom({ capacityPerHour: '[30]' }), /capacity per hour/);
    assert.throws(() => slotCalendarFrom({ noShowGraceMinutes: '1.5' }), /no-show grace "1.5"/);
  });
});

describe('the port’s clock (Intl, any IANA zone)', () => {
  it('reads an instant as Beijing time: 02:30 UTC is 10:30 at Horgos', () => {
    const local = localTimeOf(new Date('2026-11-21T02:30:00Z'), 'Asia/Shanghai');
    assert.deepEqual(local, { date: '2026-11-21', hour: 10, minute: 30, second: 0, offsetMinutes: 480 });
  });

  it('finds the local hour an instant falls in, across the local midnight that is not UTC’s', () => {
    const hour = localHourOf(new Date('2026-11-21T16:59:59.999Z'), 'Asia/Shanghai');
    assert.deepEqual(hour, {
      startsAt: '2026-11-21T16:00:00.000Z',
      endsAt: '2026-11-21T17:00:00.000Z',
      localDate: '2026-11-22',
      localHour: 0,
      offsetMinutes: 480,
    });
    assert.equal(describeHour(hour, 'Asia/Shanghai'), '2026-11-22 00:00–01:00 (Asia/Shanghai)');
    assert.equal(localIsoOf(new Date(hour.startsAt), 'Asia/Shanghai'), '2026-11-22T00:00:00+08:00');
  });

  it('knows where a local hour starts, also in a zone whose offset is not whole hours', () => {
    assert.equal(isLocalHourStart(new Date('2026-11-21T02:00:00Z'), 'Asia/Shanghai'), true);
    assert.equal(isLocalHourStart(new Date('2026-11-21T02:00:00.001Z'), 'Asia/Shanghai'), false);
    assert.equal(isLocalHourStart(new Date('2026-11-21T02:30:00Z'), 'Asia/Shanghai'), false);
    // Kathmandu is UTC+5:45: its hours start at a quarter past the UTC hour.
    assert.equal(isLocalHourStart(new Date('2026-11-21T04:15:00Z'), 'Asia/Kathmandu'), true);
    assert.equal(isLocalHourStart(new Date('2026-11-21T04:00:00Z'), 'Asia/Kathmandu'), false);
  });

  it('gives a local date its 24 hours, in order, each named by the instant it starts', () => {
    const hours = hoursOfLocalDate('2026-11-21', 'Asia/Shanghai');
    assert.equal(hours.length, 24);
    assert.equal(hours[0]?.startsAt, '2026-11-20T16:00:00.000Z');
    assert.equal(hours[10]?.startsAt, '2026-11-21T02:00:00.000Z');
    assert.deepEqual(
      hours.map((hour) => hour.localHour),
      Array.from({ length: 24 }, (_, hour) => hour),
    );
  });

  it('gives a day the clocks change its 23 or 25 hours', () => {
    assert.equal(hoursOfLocalDate('2026-03-29', 'Europe/Berlin').length, 23);
    const autumn = hoursOfLocalDate('2026-10-25', 'Europe/Berlin');
    assert.equal(autumn.length, 25);
    // 02:00 happens twice: two hours of the same name, each its own slot.
    assert.deepEqual(
      autumn.filter((hour) => hour.localHour === 2).map((hour) => hour.startsAt),
      ['2026-10-25T00:00:00.000Z', '2026-10-25T01:00:00.000Z'],
    );
  });
});

describe('which hours freight is cleared in', () => {
  it('round the clock: every hour, 22:00 and 03:00 included', () => {
    assert.equal(isOperatingHour(roundTheClock, hourAt('2026-11-21T22:00:00+08:00')), true);
    assert.equal(isOperatingHour(roundTheClock, hourAt('2026-11-21T03:00:00+08:00')), true);
  });

  it('in daytime mode: the hours wholly within 10:00–18:00 Beijing time, and no other', () => {
    const open = hoursOfLocalDate('2026-11-21', 'Asia/Shanghai').filter((hour) => isOperatingHour(daytime, hour));
    assert.deepEqual(
      open.map((hour) => hour.localHour),
      [10, 11, 12, 13, 14, 15, 16, 17],
    );
  });

  it('with hours that do not start on the hour, only whole hours inside them (08:30–17:30 → 09:00 to 16:00)', () => {
    const calendar = slotCalendarFrom({ freightHours: 'DAYTIME', daytimeHours: '08:30-17:30' });
    const open = hoursOfLocalDate('2026-11-21', 'Asia/Shanghai').filter((hour) => isOperatingHour(calendar, hour));
    assert.deepEqual(
      open.map((hour) => hour.localHour),
      [9, 10, 11, 12, 13, 14, 15, 16],
    );
  });

  it('with hours that span midnight (a night shift 22:00–06:00)', () => {
    const calendar = slotCalendarFrom({ freightHours: 'DAYTIME', daytimeHours: '22:00-06:00' });
    const open = hoursOfLocalDate('2026-11-21', 'Asia/Shanghai').filter((hour) => isOperatingHour(calendar, hour));
    assert.deepEqual(
      open.map((hour) => hour.localHour),
      [0, 1, 2, 3, 4, 5, 22, 23],
    );
  });

  it('follows the configured zone, not the machine’s: 10:00 in Beijing is 07:00 in Tashkent', () => {
    const tashkent = slotCalendarFrom({ freightHours: 'DAYTIME', timeZone: 'Asia/Tashkent' });
    assert.equal(isOperatingHour(daytime, hourAt('2026-11-21T10:00:00+08:00')), true);
    assert.equal(isOperatingHour(tashkent, hourAt('2026-11-21T10:00:00+08:00')), false);
    assert.equal(isOperatingHour(tashkent, hourAt('2026-11-21T15:00:00+08:00')), true);
  });

  it('tells a truck at the gate at 22:00 in daytime mode when it can go on: at 10:00 the next morning', () => {
    const at22 = new Date('2026-11-21T22:00:00+08:00');
    assert.equal(isOpenAt(daytime, at22), false);
    assert.equal(nextOpeningAt(daytime, at22).toISOString(), new Date('2026-11-22T10:00:00+08:00').toISOString());
    assert.equal(nextOpeningAt(roundTheClock, at22), at22, 'round the clock: at once');
    const atNoon = new Date('2026-11-21T12:10:00+08:00');
    assert.equal(nextOpeningAt(daytime, atNoon), atNoon, 'inside the hours: at once');
  });
});
