import { DOCUMENT } from '@angular/common';
import { HttpClient } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, OnInit, computed, inject, signal } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { RouterLink } from '@angular/router';
import type { MeView, Profile, TimeFormat } from '@contracts/auth.contracts';
import { TranslatePipe } from '@ngx-translate/core';
import { firstValueFrom } from 'rxjs';

import { AUTH_API } from '../auth/auth-api';
import { AuthService } from '../auth/auth.service';
import { type Problem, problemOf } from '../auth/problem';
import { DateTimeService, browserTimeZone } from '../date-time/date-time.service';
import { LanguageService } from '../i18n/language.service';
import { LANGUAGES, LANGUAGE_NAMES, type LanguageCode } from '../i18n/languages';
import { ProblemMessage } from '../shared/problem-message';
import { browserCountry, countryOptions, localeUses12h, timeZoneOptions } from './profile-options';

/** Same bound as the server's names. */
export const NAME_MAX = 100;

type Field = 'firstName' | 'lastName' | 'country' | 'language' | 'timeZone' | 'timeFormat' | 'title' | 'technicianEmail';

/** Name, country, language, time zone and time format, and what a technician shows the people they help. */
@Component({
  selector: 'app-profile-page',
  imports: [ReactiveFormsModule, RouterLink, TranslatePipe, ProblemMessage],
  templateUrl: './profile-page.html',
  styleUrl: './profile-page.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ProfilePage implements OnInit {
  private readonly auth = inject(AuthService);
  private readonly http = inject(HttpClient);
  private readonly language = inject(LanguageService);
  private readonly dateTime = inject(DateTimeService);
  private readonly navigator = inject(DOCUMENT).defaultView?.navigator;
  /** The instant the preview shows, fixed so that it does not tick. */
  private readonly previewInstant = new Date();

  protected readonly me = this.auth.me;
  protected readonly languages = LANGUAGES.map((code) => ({ code, name: LANGUAGE_NAMES[code] }));
  protected readonly form = inject(NonNullableFormBuilder).group({
    firstName: ['', [Validators.required, Validators.maxLength(NAME_MAX)]],
    lastName: ['', [Validators.required, Validators.maxLength(NAME_MAX)]],
    country: ['', Validators.required],
    language: [this.language.current() as LanguageCode, Validators.required],
    timeZone: [browserTimeZone(), Validators.required],
    timeFormat: ['24h' as TimeFormat, Validators.required],
    title: ['', Validators.maxLength(NAME_MAX)],
    technicianEmail: ['', [Validators.email, Validators.maxLength(254)]],
  });
  private readonly values = toSignal(this.form.valueChanges, { initialValue: this.form.getRawValue() });

  protected readonly countries = computed(() => countryOptions(this.dateTime.locale()));
  protected readonly timeZones = signal<string[]>(timeZoneOptions());
  /** How a time will look with the zone and format being chosen. */
  protected readonly preview = computed(() => {
    const { timeZone, timeFormat } = this.values();
    try {
      return new Intl.DateTimeFormat(this.dateTime.locale(), {
        dateStyle: 'medium',
        timeStyle: 'short',
        timeZone,
        hourCycle: timeFormat === '12h' ? 'h12' : 'h23',
      }).format(this.previewInstant);
    } catch {
      return '';
    }
  });

  protected readonly loading = signal(true);
  protected readonly busy = signal(false);
  protected readonly saved = signal(false);
  protected readonly problem = signal<Problem | null>(null);

  async ngOnInit(): Promise<void> {
    try {
      this.fill(this.auth.me() ?? (await this.auth.loadMe()));
    } catch (error) {
      this.problem.set(problemOf(error));
    } finally {
      this.loading.set(false);
    }
  }

  protected invalid(name: Field): boolean {
    const control = this.form.controls[name];
    return (control.invalid && control.touched) || (this.problem()?.fields.includes(name) ?? false);
  }

  protected async save(): Promise<void> {
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    this.busy.set(true);
    this.saved.set(false);
    this.problem.set(null);
    const value = this.form.getRawValue();
    const profile: Profile = {
      firstName: value.firstName.trim(),
      lastName: value.lastName.trim(),
      country: value.country,
      language: value.language,
      timeZone: value.timeZone,
      timeFormat: value.timeFormat,
      ...(value.title.trim() ? { title: value.title.trim() } : {}),
      ...(value.technicianEmail.trim() ? { technicianEmail: value.technicianEmail.trim() } : {}),
    };
    try {
      const me = await firstValueFrom(this.http.put<MeView>(AUTH_API.profile, profile));
      // The console follows at once: language, time zone and format of every date shown.
      this.auth.setMe(me);
      await this.language.use(profile.language);
      this.dateTime.setPreferences({ timeZone: profile.timeZone, hour12: profile.timeFormat === '12h' });
      this.form.markAsPristine();
      this.saved.set(true);
    } catch (error) {
      this.problem.set(problemOf(error));
    } finally {
      this.busy.set(false);
    }
  }

  private fill(me: MeView): void {
    const profile = me.profile;
    const tags = this.navigator?.languages ?? [];
    const timeZone = profile?.timeZone ?? this.dateTime.timeZone();
    this.timeZones.set(timeZoneOptions(timeZone));
    const hour12 = this.dateTime.hour12() ?? localeUses12h(this.dateTime.locale());
    this.form.reset({
      firstName: profile?.firstName ?? '',
      lastName: profile?.lastName ?? '',
      country: profile?.country ?? browserCountry(tags),
      language: profile?.language ?? this.language.current(),
      timeZone,
      timeFormat: profile?.timeFormat ?? (hour12 ? '12h' : '24h'),
      title: profile?.title ?? '',
      technicianEmail: profile?.technicianEmail ?? '',
    });
  }
}
