/** `time.Parse(time.RFC3339, s)` and `metav1.Time`'s encoding; expectations measured on Go 1.26 (apimachinery v0.37.2). */
import { describe, expect, it } from 'vitest';
import { parseTime } from './go-time.js';

const LAYOUT = '"2006-01-02T15:04:05Z07:00"';

describe('parseTime', () => {
  it.each<[string, string, string]>([
    ['UTC', '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z'],
    ['offset converted to UTC', '2024-01-01T01:02:03+01:00', '2024-01-01T00:02:03Z'],
    ['fraction dropped by metav1.Time.MarshalJSON', '2024-01-01T00:00:00.999999999Z', '2024-01-01T00:00:00Z'],
    ['comma before the fraction (time.Parse accepts either)', '2024-01-01T00:00:00,5-00:30', '2024-01-01T00:30:00Z'],
    ['one-digit hour (stdHour is not zero-padded)', '2024-01-01T1:02:03Z', '2024-01-01T01:02:03Z'],
    ['offset across a year', '2024-12-31T23:00:00-01:00', '2025-01-01T00:00:00Z'],
    ['offsets up to 24:60 (range test uses >)', '2024-01-01T00:00:00+24:60', '2023-12-30T23:00:00Z'],
  ])('%s', (_name, input, want) => {
    expect(parseTime(input)).toMatchObject({ ok: true, rfc3339: want, zero: false });
  });

  it('the zero time is Go zero, which metav1.Time encodes as null', () => {
    expect(parseTime('0001-01-01T00:00:00Z')).toEqual({ ok: true, rfc3339: '0001-01-01T00:00:00Z', zero: true });
    expect(parseTime('0001-01-01T00:00:00.5Z')).toMatchObject({ zero: false });
  });

  it.each<[string, string, string]>([
    ['empty (metav1.Time only special-cases null)', '', `parsing time "" as ${LAYOUT}: cannot parse "" as "2006"`],
    ['no time', '2024-01-01', `parsing time "2024-01-01" as ${LAYOUT}: cannot parse "" as "T"`],
    ['wrong separator', '2024/01/01T00:00:00Z', `parsing time "2024/01/01T00:00:00Z" as ${LAYOUT}: cannot parse "/01/01T00:00:00Z" as "-"`],
    ['one-digit month', '2024-1-01T00:00:00Z', `parsing time "2024-1-01T00:00:00Z" as ${LAYOUT}: cannot parse "1-01T00:00:00Z" as "01"`],
    ['lower-case t', '2024-01-01t00:00:00Z', `parsing time "2024-01-01t00:00:00Z" as ${LAYOUT}: cannot parse "t00:00:00Z" as "T"`],
    ['month', '2024-13-01T00:00:00Z', 'parsing time "2024-13-01T00:00:00Z": month out of range'],
    ['hour', '2024-01-01T24:00:00Z', 'parsing time "2024-01-01T24:00:00Z": hour out of range'],
    ['minute', '2024-01-01T00:60:00Z', 'parsing time "2024-01-01T00:60:00Z": minute out of range'],
    ['second', '2024-01-01T00:00:60Z', 'parsing time "2024-01-01T00:00:60Z": second out of range'],
    ['day (checked last)', '2023-02-29T00:00:00Z', 'parsing time "2023-02-29T00:00:00Z": day out of range'],
    ['no zone', '2024-01-01T00:00:00', `parsing time "2024-01-01T00:00:00" as ${LAYOUT}: cannot parse "" as "Z07:00"`],
    [
      'zone without colon',
      '2024-01-01T00:00:00+0100',
      `parsing time "2024-01-01T00:00:00+0100" as ${LAYOUT}: cannot parse "+0100" as "Z07:00"`,
    ],
    ['lower-case z', '2024-01-01T00:00:00z', `parsing time "2024-01-01T00:00:00z" as ${LAYOUT}: cannot parse "z" as "Z07:00"`],
    ['zone hour', '2024-01-01T00:00:00+25:00', 'parsing time "2024-01-01T00:00:00+25:00": time zone offset hour out of range'],
    ['zone minute', '2024-01-01T00:00:00+01:61', 'parsing time "2024-01-01T00:00:00+01:61": time zone offset minute out of range'],
    ['extra text', '2024-01-01T00:00:00Z ', 'parsing time "2024-01-01T00:00:00Z ": extra text: " "'],
    [
      'non-ASCII quoted by byte (time.quote)',
      '2024-01-01T00:00:00Zé',
      'parsing time "2024-01-01T00:00:00Z\\xc3\\xa9": extra text: "\\xc3\\xa9"',
    ],
  ])('%s', (_name, input, error) => {
    expect(parseTime(input)).toEqual({ ok: false, error });
  });
});
