import { ChangeDetectionStrategy, Component, OnInit, inject, input, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { Router, RouterLink } from '@angular/router';
import { TranslatePipe } from '@ngx-translate/core';

import { AuthService } from '../auth/auth.service';
import { type Problem, problemOf } from '../auth/problem';
import { ProblemMessage } from '../shared/problem-message';
import { type PermalinkView, SessionsApi } from '../sessions/sessions-api';
import type { ViewerNavigationState } from '../sessions/viewer/viewer-navigation';

/**
 * A permalink (`/p/<accountId>/<path>`), e.g. embedded in another system: a signed-in user of the
 * account goes straight to a session on its computer; someone not signed in may open a public one,
 * with its password, and watches as a guest.
 */
@Component({
  selector: 'app-permalink-page',
  imports: [FormsModule, RouterLink, TranslatePipe, ProblemMessage],
  template: `
    <section class="card auth-card" data-testid="permalink-page">
      <h1>{{ 'permalink.title' | translate }}</h1>
      @if (view(); as link) {
        <p class="lead" data-testid="permalink-computer">{{ link.computerName }}</p>
        @if (opening()) {
          <p class="muted">{{ 'permalink.opening' | translate }}</p>
        } @else if (!signedIn() && !link.public) {
          <p class="alert alert--info" role="status" data-testid="permalink-sign-in">{{ 'permalink.signInNeeded' | translate }}</p>
          <a class="button button--primary button--block" routerLink="/sign-in" [queryParams]="{ returnUrl: returnUrl() }">{{ 'signIn.submit' | translate }}</a>
        } @else if (!signedIn()) {
          <form class="form" (ngSubmit)="open()" novalidate>
            @if (link.needsPassword) {
              <div class="field">
                <label for="permalink-password">{{ 'form.password' | translate }}</label>
                <input id="permalink-password" type="password" name="password" autocomplete="off" [(ngModel)]="password" data-testid="permalink-password" />
              </div>
            }
            <button type="submit" class="button button--primary button--block" data-testid="permalink-open">{{ 'permalink.open' | translate }}</button>
          </form>
        }
      } @else if (problem()?.status === 404) {
        <p class="alert alert--error" role="alert" data-testid="permalink-not-found">{{ 'permalink.notFound' | translate }}</p>
      } @else if (!problem()) {
        <p class="muted">{{ 'form.loading' | translate }}</p>
      }
      @if (problem()?.status === 401) {
        <p class="alert alert--error" role="alert" data-testid="permalink-wrong-password">{{ 'permalink.wrongPassword' | translate }}</p>
      } @else if (problem()?.status !== 404) {
        <app-problem-message [problem]="problem()" />
      }
    </section>
  `,
  styles: `
    .lead {
      font-size: 1.1rem;
      font-weight: 600;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class PermalinkPage implements OnInit {
  private readonly api = inject(SessionsApi);
  private readonly auth = inject(AuthService);
  private readonly router = inject(Router);

  readonly accountId = input.required<string>();
  readonly path = input.required<string>();

  protected readonly view = signal<PermalinkView | null>(null);
  protected readonly problem = signal<Problem | null>(null);
  protected readonly signedIn = this.auth.signedIn;
  protected readonly opening = signal(false);
  protected password = '';

  async ngOnInit(): Promise<void> {
    await this.auth.ready();
    try {
      this.view.set(await this.api.permalink(this.accountId(), this.path()));
    } catch (error) {
      this.problem.set(problemOf(error));
      return;
    }
    if (this.signedIn()) await this.open();
  }

  protected returnUrl(): string {
    return `/p/${encodeURIComponent(this.accountId())}/${encodeURIComponent(this.path())}`;
  }

  /** Signed in: the access token opens it. A guest: the password, and the viewer token it earns. */
  protected async open(): Promise<void> {
    if (this.opening()) return;
    this.opening.set(true);
    this.problem.set(null);
    try {
      const guest = !this.signedIn();
      const opened = await this.api.openPermalink(this.accountId(), this.path(), guest ? this.password : null);
      const state: ViewerNavigationState = opened.viewerToken ? { viewerToken: opened.viewerToken } : {};
      await this.router.navigate(['/sessions', opened.sessionId], { state, replaceUrl: true });
    } catch (error) {
      this.problem.set(problemOf(error));
    } finally {
      this.opening.set(false);
    }
  }
}
