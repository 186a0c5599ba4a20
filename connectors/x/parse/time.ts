import { z } from 'zod';

// The model's instants are ISO strings with four-digit years; later times cannot be written.
const MAX_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/** Epoch milliseconds as X sends them: mostly a digit string, a number in `favorite_events[].timestamp_ms`. */
export const EpochMs = z.union([
  z.string().regex(/^\d{1,16}$/, 'expected epoch milliseconds as a digit string'),
  z.number().int().nonnegative(),
]).refine((value) => Number(value) <= MAX_MS, 'epoch milliseconds out of range');
export type EpochMs = z.infer<typeof EpochMs>;

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
// v1.1 `created_at`: "Wed Nov 21 00:13:13 +0000 2018". Parsed by hand: `Date.parse` of this form is engine-specific.
const V1_DATE = /^[A-Z][a-z]{2} ([A-Z][a-z]{2}) (\d{1,2}) (\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2}) (\d{4})$/;

/** An X v1.1 date string (`created_at`). */
export const XDate = z.string().refine((value) => fromXDate(value) !== undefined, 'expected an X date such as "Wed Nov 21 00:13:13 +0000 2018"');

/** An ISO-8601 date-time with a zone (`user_event.revoke.date_time`: "2018-05-24T09:48:12+00:00"). */
export const IsoDateTime = z.iso.datetime({ offset: true });

/** Epoch milliseconds (string or number) as an ISO instant. */
export function fromEpochMs(value: EpochMs): string {
  return new Date(Number(value)).toISOString();
}

/** A v1.1 `created_at` as an ISO instant; undefined when it is not one. */
export function fromXDate(value: string): string | undefined {
  const match = V1_DATE.exec(value);
  if (!match) return undefined;
  const [, mon, day, hh, mm, ss, sign, offH, offM, year] = match as unknown as string[];
  const month = MONTHS.indexOf(mon!);
  if (month < 0) return undefined;
  const offsetMs = (sign === '-' ? -1 : 1) * (Number(offH) * 60 + Number(offM)) * 60_000;
  const ms = Date.UTC(Number(year), month, Number(day), Number(hh), Number(mm), Number(ss)) - offsetMs;
  return Number.isFinite(ms) && ms >= 0 && ms <= MAX_MS ? new Date(ms).toISOString() : undefined;
}

/** An ISO date-time with any zone as a UTC ISO instant with milliseconds. */
export function fromIsoDateTime(value: string): string {
  return new Date(value).toISOString();
}

/** The first of `times` that is defined, else when the delivery was received. */
export function firstTime(receivedAt: Date, ...times: (string | undefined)[]): string {
  return times.find((time) => time !== undefined) ?? receivedAt.toISOString();
}
