import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import { TranslatePipe } from '@ngx-translate/core';

/** The policy's minimum length (domain/shared/password-policy); the server checks, this only guides. */
export const PASSWORD_MIN_LENGTH = 10;

/** A few of the words every breached-password list starts with; the server knows many more. */
const COMMON = ['password', 'passw0rd', 'motdepasse', 'passwort', '123456', 'qwerty', 'azerty', 'welcome', 'letmein', 'admin'];

export interface PasswordHint {
  readonly key: string;
  readonly met: boolean;
}

export function passwordHints(password: string, email = ''): PasswordHint[] {
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^a-zA-Z0-9]/].filter((re) => re.test(password)).length;
  const lower = password.toLowerCase();
  const local = email.trim().toLowerCase().split('@')[0] ?? '';
  const emailParts = [local, ...local.split(/[._+-]/)].filter((part) => part.length >= 3);
  return [
    { key: 'password.hint.length', met: [...password].length >= PASSWORD_MIN_LENGTH },
    { key: 'password.hint.classes', met: classes >= 2 },
    { key: 'password.hint.email', met: password.length > 0 && !emailParts.some((part) => lower.includes(part)) },
    { key: 'password.hint.common', met: password.length > 0 && !COMMON.some((word) => lower.includes(word)) },
  ];
}

/** Live hints under a new-password field. Only guidance: the server's WEAK_PASSWORD reasons decide. */
@Component({
  selector: 'app-password-hints',
  imports: [TranslatePipe],
  template: `
    <ul class="password-hints" data-testid="password-hints" [attr.aria-label]="'password.hint.title' | translate">
      @for (hint of hints(); track hint.key) {
        <li [class.met]="hint.met" [attr.data-met]="hint.met">
          <span aria-hidden="true">{{ hint.met ? '✓' : '•' }}</span>
          {{ hint.key | translate: { min: minLength } }}
        </li>
      }
    </ul>
  `,
  styles: `
    .password-hints {
      list-style: none;
      margin: 0.35rem 0 0;
      padding: 0;
      font-size: 0.82rem;
      color: var(--sb-text-muted);
    }
    .met {
      color: var(--sb-ok-text);
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class PasswordHints {
  readonly password = input('');
  readonly email = input('');
  protected readonly minLength = PASSWORD_MIN_LENGTH;
  protected readonly hints = computed(() => passwordHints(this.password(), this.email()));
}
