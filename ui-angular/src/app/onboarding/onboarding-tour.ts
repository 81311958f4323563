import { ChangeDetectionStrategy, Component, ElementRef, afterNextRender, computed, effect, inject, output, signal } from '@angular/core';
import { TranslatePipe } from '@ngx-translate/core';

import { AuthService } from '../auth/auth.service';

export interface TourStep {
  readonly key: string;
  /** Menu entries (nav item ids) the step points at; 'user-menu' is the bottom-left menu. */
  readonly targets: readonly string[];
}

/** What a new user learns about the left menu, in order. */
export const TOUR_STEPS: readonly TourStep[] = [
  { key: 'computers', targets: ['computers'] },
  { key: 'sessions', targets: ['sessions', 'history'] },
  { key: 'followUp', targets: ['tickets', 'audit', 'settings'] },
  { key: 'profile', targets: ['user-menu'] },
];

/**
 * The first-sign-in tour over the shell: a few steps about the left menu. Skipping (the button or
 * Escape) records "dismissed", the last step "completed"; either way it is not offered again.
 */
@Component({
  selector: 'app-onboarding-tour',
  imports: [TranslatePipe],
  host: { '(document:keydown.escape)': 'finish("dismissed")' },
  template: `
    <div class="tour-backdrop" aria-hidden="true"></div>
    <section
      class="tour card"
      role="dialog"
      aria-modal="true"
      aria-labelledby="tour-title"
      aria-describedby="tour-body"
      data-testid="tour"
      [attr.data-step]="index()"
    >
      <p class="tour__progress">{{ 'tour.progress' | translate: { step: index() + 1, total: steps.length } }}</p>
      <h2 id="tour-title">{{ 'tour.steps.' + step().key + '.title' | translate }}</h2>
      <p id="tour-body">{{ 'tour.steps.' + step().key + '.body' | translate }}</p>
      <div class="tour__actions">
        <button type="button" class="button button--link" data-testid="tour-skip" (click)="finish('dismissed')">
          {{ 'tour.skip' | translate }}
        </button>
        @if (index() > 0) {
          <button type="button" class="button button--secondary" data-testid="tour-back" (click)="back()">
            {{ 'tour.back' | translate }}
          </button>
        }
        @if (last()) {
          <button type="button" class="button button--primary" data-testid="tour-finish" (click)="finish('completed')">
            {{ 'tour.finish' | translate }}
          </button>
        } @else {
          <button type="button" class="button button--primary" data-testid="tour-next" (click)="next()">
            {{ 'tour.next' | translate }}
          </button>
        }
      </div>
    </section>
  `,
  styles: `
    .tour-backdrop {
      position: fixed;
      inset: 0;
      z-index: 40;
      background: rgb(15 23 42 / 45%);
    }
    .tour {
      position: fixed;
      z-index: 41;
      left: calc(var(--sb-sidenav-width) + 1.5rem);
      top: calc(var(--sb-topbar-height) + 1.5rem);
      width: min(26rem, calc(100vw - 2rem));
    }
    .tour__progress {
      margin: 0;
      font-size: 0.8rem;
      color: var(--sb-text-muted);
    }
    h2 {
      margin: 0.25rem 0 0.5rem;
      font-size: 1.15rem;
    }
    .tour__actions {
      display: flex;
      gap: 0.5rem;
      justify-content: flex-end;
      margin-top: 1rem;
    }
    .tour__actions .button--link {
      margin-right: auto;
    }
    @media (max-width: 800px) {
      .tour {
        left: 1rem;
      }
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class OnboardingTour {
  private readonly auth = inject(AuthService);

  /** The menu entries the current step is about, for the shell to highlight. */
  readonly highlight = output<readonly string[]>();

  protected readonly steps = TOUR_STEPS;
  protected readonly index = signal(0);
  protected readonly step = computed(() => TOUR_STEPS[this.index()] ?? TOUR_STEPS[0]!);
  protected readonly last = computed(() => this.index() === TOUR_STEPS.length - 1);
  private finished = false;

  constructor() {
    effect(() => this.highlight.emit(this.step().targets));
    // A modal dialog takes the focus, so keyboard and screen-reader users land in it.
    const host = inject<ElementRef<HTMLElement>>(ElementRef);
    afterNextRender(() => host.nativeElement.querySelector<HTMLButtonElement>('[data-testid="tour-next"]')?.focus());
  }

  protected next(): void {
    this.index.update((i) => Math.min(i + 1, TOUR_STEPS.length - 1));
  }

  protected back(): void {
    this.index.update((i) => Math.max(i - 1, 0));
  }

  protected finish(outcome: 'dismissed' | 'completed'): void {
    if (this.finished) return;
    this.finished = true;
    this.highlight.emit([]);
    void this.auth.recordOnboarding(outcome);
  }
}
