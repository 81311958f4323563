import { HttpErrorResponse, HttpHeaders } from '@angular/common/http';

import { problemOf } from './problem';

const error = (status: number, body: unknown, headers: Record<string, string> = {}): HttpErrorResponse =>
  new HttpErrorResponse({ status, error: body, headers: new HttpHeaders(headers) });

describe('problemOf', () => {
  const now = Date.parse('2025-03-01T10:00:00Z');

  it('reads the code and a Retry-After in seconds or as an HTTP date', () => {
    expect(problemOf(error(429, { code: 'TOO_MANY_ATTEMPTS' }, { 'Retry-After': '90' }), now)).toMatchObject({
      status: 429,
      code: 'TOO_MANY_ATTEMPTS',
      retryAfterSeconds: 90,
    });
    expect(problemOf(error(429, { code: 'TOO_MANY_ATTEMPTS' }, { 'Retry-After': 'Sat, 01 Mar 2025 10:02:00 GMT' }), now).retryAfterSeconds).toBe(120);
  });

  it('reads a problem that arrived as text, and the reasons of a weak password under any of their names', () => {
    const text = JSON.stringify({ code: 'WEAK_PASSWORD', reasons: ['too_short'], errors: ['common_pattern', 'too_short'] });
    expect(problemOf(error(400, text))).toMatchObject({ code: 'WEAK_PASSWORD', reasons: ['too_short', 'common_pattern'] });
  });

  it('tells a network failure and a code-less answer apart', () => {
    expect(problemOf(error(0, null)).code).toBe('NETWORK');
    expect(problemOf(error(502, '<html>Bad gateway</html>'))).toMatchObject({ status: 502, code: 'UNKNOWN' });
  });
});
