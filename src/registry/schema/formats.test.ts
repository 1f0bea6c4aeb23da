import { describe, expect, it } from 'vitest';
import { meetsFormat } from './formats.js';

describe('string formats', () => {
  it.each([
    ['date-time', '2026-11-30T10:00:00Z', '30 November'],
    ['date', '2024-02-29', '2026-02-30'],
    ['byte', 'aGVsbG8=', 'not base64!'],
    ['uuid', '7d444840-9dc0-11d1-b245-5ffdce74fad2', 'not-a-uuid'],
    ['ipv4', '10.0.0.1', '10.0.0.300'],
    ['ipv6', 'fd00::1', '10.0.0.1'],
    ['cidr', '10.0.0.0/8', '10.0.0.0'],
    ['email', 'a@example.com', 'nobody'],
    ['hostname', 'example.com', 'bad_host!'],
    ['mac', '00:1a:2b:3c:4d:5e', '00:1a:2b'],
    ['duration', '1h30m', 'soon'],
    ['uri', 'https://example.com/x', 'no scheme'],
  ])('%s: %s meets it, %s does not', (format, good, bad) => {
    expect(meetsFormat(format, good)).toBe(true);
    expect(meetsFormat(format, bad)).toBe(false);
  });

  it('lets formats nobody checks pass', () => {
    expect(meetsFormat('password', 'anything')).toBe(true);
    expect(meetsFormat('int32', 'x')).toBe(true);
  });
});
