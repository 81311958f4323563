import { Pipe, PipeTransform, inject } from '@angular/core';

import { DateTimeService, DateTimeStyle } from './date-time.service';

/**
 * `{{ instant | dateTime }}` in the user's zone and locale. Impure because the zone and language are
 * signals that change without the input changing; the service caches its formatters, so it stays cheap.
 */
@Pipe({ name: 'dateTime', pure: false })
export class DateTimePipe implements PipeTransform {
  private readonly dateTime = inject(DateTimeService);

  transform(value: string | number | Date | null | undefined, style: DateTimeStyle = 'dateTime'): string {
    return this.dateTime.format(value, style);
  }
}
