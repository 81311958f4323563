import { TestBed } from '@angular/core/testing';

import { LanguageService } from '../i18n/language.service';
import { provideI18n } from '../i18n/provide-i18n';
import { DateTimeService, browserTimeZone } from './date-time.service';

const INSTANT = '2024-01-15T13:05:09Z';

describe('DateTimeService', () => {
  let service: DateTimeService;
  let language: LanguageService;

  beforeEach(async () => {
    jest.spyOn(navigator, 'languages', 'get').mockReturnValue(['en-US', 'en']);
    TestBed.configureTestingModule({ providers: [provideI18n()] });
    language = TestBed.inject(LanguageService);
    await language.use('en', false);
    service = TestBed.inject(DateTimeService);
  });

  afterEach(() => jest.restoreAllMocks());

  it("defaults to the browser's time zone", () => {
    expect(service.timeZone()).toBe(browserTimeZone());
  });

  it('shows the instant in the given time zone, 24 h', () => {
    service.setPreferences({ timeZone: 'Asia/Tokyo', hour12: false });
    expect(service.format(INSTANT, 'time')).toBe('22:05:09');
    expect(service.format(INSTANT, 'date')).toBe('Jan 15, 2024');
  });

  it('shows the same instant in another zone, 12 h, crossing midnight backwards', () => {
    service.setPreferences({ timeZone: 'America/Los_Angeles', hour12: true });
    expect(service.format(INSTANT, 'time')).toMatch(/^5:05:09\sAM$/);
    expect(service.format('2024-01-15T03:00:00Z', 'date')).toBe('Jan 14, 2024');
  });

  it('forces 24 h even where the locale uses 12 h, and 12 h where it uses 24 h', async () => {
    service.setPreferences({ timeZone: 'UTC', hour12: false });
    expect(service.format(INSTANT, 'time')).toBe('13:05:09');

    await language.use('fr', false);
    service.setPreferences({ timeZone: 'UTC', hour12: true });
    expect(service.format(INSTANT, 'time')).toMatch(/^0?1:05:09\sPM$/);
  });

  it('follows the console language and the browser region', async () => {
    service.setPreferences({ timeZone: 'Europe/Berlin' });
    await language.use('de', false);
    expect(service.format(INSTANT)).toBe('15.01.2024, 14:05:09');
    expect(service.locale()).toBe('de');

    await language.use('en', false);
    expect(service.locale()).toBe('en-US');
  });

  it('refuses an unknown time zone and keeps the previous one', () => {
    service.setPreferences({ timeZone: 'Europe/Paris' });
    expect(() => service.setPreferences({ timeZone: 'Mars/Olympus_Mons' })).toThrow(RangeError);
    expect(service.timeZone()).toBe('Europe/Paris');
  });

  it('renders nothing for a missing or invalid value', () => {
    expect(service.format(null)).toBe('');
    expect(service.format('not a date')).toBe('');
  });

  it('formats a duration in its two largest units', () => {
    expect(service.formatDuration(3 * 86_400 + 4 * 3_600 + 59)).toBe('3d 4h');
    expect(service.formatDuration(42)).toBe('42s');
  });
});
