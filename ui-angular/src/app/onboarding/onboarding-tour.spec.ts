import { HttpTestingController } from '@angular/common/http/testing';
import { ApplicationInitStatus, Component } from '@angular/core';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { Router, provideRouter } from '@angular/router';
import type { MeView } from '@contracts/auth.contracts';

import { consoleTestProviders, meView, settle, signedIn } from '../../testing/auth-fixtures';
import { byTestId, maybeByTestId, text } from '../../testing/dom';
import { AUTH_API } from '../auth/auth-api';
import { AuthService } from '../auth/auth.service';
import { LanguageService } from '../i18n/language.service';
import { NAV_ITEMS } from '../shell/nav-items';
import { Shell } from '../shell/shell';
import { TOUR_STEPS } from './onboarding-tour';

@Component({ template: '<p>page</p>' })
class StubPage {}

describe('Onboarding tour', () => {
  let http: HttpTestingController;
  let fixture: ComponentFixture<Shell>;

  beforeEach(async () => {
    localStorage.clear();
    jest.spyOn(navigator, 'languages', 'get').mockReturnValue(['en-US']);
    TestBed.configureTestingModule({
      imports: [Shell],
      providers: [
        provideRouter(NAV_ITEMS.map((item) => ({ path: item.path, component: StubPage }))),
        ...consoleTestProviders(),
      ],
    });
    await TestBed.inject(ApplicationInitStatus).donePromise;
    await TestBed.inject(LanguageService).use('en', false);
    http = TestBed.inject(HttpTestingController);
    fixture = TestBed.createComponent(Shell);
    await TestBed.inject(Router).navigateByUrl('/computers');
    await fixture.whenStable();
  });

  afterEach(() => {
    http.verify();
    jest.restoreAllMocks();
  });

  async function signInAs(me: MeView): Promise<void> {
    await signedIn(me);
    await settle(fixture);
  }

  const highlighted = (): string[] =>
    Array.from(fixture.nativeElement.querySelectorAll('.tour-target') as NodeListOf<HTMLElement>, (el) =>
      el.dataset['testid']?.replace('nav-', '') ?? el.classList[0] ?? '',
    );

  it('is offered at the first sign-in, walks the left menu, and once skipped is not shown again', async () => {
    await signInAs(meView({ onboarding: 'pending' }));

    expect(text(fixture, 'tour')).toContain(`Step 1 of ${TOUR_STEPS.length}`);
    expect(text(fixture, 'tour')).toContain('Your computers');
    expect(highlighted()).toEqual(['computers']);

    byTestId(fixture, 'tour-next').click();
    await settle(fixture);
    expect(byTestId(fixture, 'tour').dataset['step']).toBe('1');
    expect(highlighted()).toEqual(['sessions', 'history']);

    byTestId(fixture, 'tour-skip').click();
    await settle(fixture);
    const record = http.expectOne(AUTH_API.onboarding);
    expect(record.request.body).toEqual({ outcome: 'dismissed' });
    expect(record.request.headers.get('Authorization')).toMatch(/^Bearer /);
    record.flush(null, { status: 204, statusText: 'No Content' });
    await settle(fixture);

    expect(maybeByTestId(fixture, 'tour')).toBeNull();
    expect(highlighted()).toEqual([]);
    expect(TestBed.inject(AuthService).me()?.onboarding).toBe('dismissed');

    // Moving around the console does not bring it back.
    await TestBed.inject(Router).navigateByUrl('/sessions');
    await settle(fixture);
    expect(maybeByTestId(fixture, 'tour')).toBeNull();
  });

  it('records "completed" when the user reaches the end', async () => {
    await signInAs(meView({ onboarding: 'pending' }));
    for (let i = 1; i < TOUR_STEPS.length; i++) {
      byTestId(fixture, 'tour-next').click();
      await settle(fixture);
    }
    expect(maybeByTestId(fixture, 'tour-next')).toBeNull();
    expect(highlighted()).toEqual(['user']);
    byTestId(fixture, 'tour-finish').click();
    await settle(fixture);

    expect(http.expectOne(AUTH_API.onboarding).request.body).toEqual({ outcome: 'completed' });
    expect(maybeByTestId(fixture, 'tour')).toBeNull();
  });

  it('is not offered to a user who dismissed it before, nor before the forced password change', async () => {
    await signInAs(meView({ onboarding: 'dismissed' }));
    expect(maybeByTestId(fixture, 'tour')).toBeNull();

    await signInAs(meView({ onboarding: 'pending', mustChangePassword: true }));
    expect(maybeByTestId(fixture, 'tour')).toBeNull();
  });
});
