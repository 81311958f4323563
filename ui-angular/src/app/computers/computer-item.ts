import { ChangeDetectionStrategy, Component, computed, inject, input, output, signal } from '@angular/core';
import type { ComputerRow } from '@contracts/computers-live.contracts';
import { TranslatePipe } from '@ngx-translate/core';

import { DateTimePipe } from '../date-time/date-time.pipe';
import { LanguageService } from '../i18n/language.service';
import { ComputerScreenshot } from './computer-screenshot';
import { type ComputerView, isLocalAddress } from './computer-list.model';
import { OsIcon } from './os-icon';
import { StatusBadge } from './status-badge';

/** `connect` opens a session on the computer; `prompt` opens one with a web command prompt at once. */
export type ComputerAction = 'connect' | 'prompt' | 'settings' | 'share' | 'favourite' | 'remove';

/** A session needs an agent that is (or may come back) online: not on a computer without one, nor a disabled one. */
const CONNECTABLE = new Set(['online', 'offline', 'limited']);

/** "IP, city, country" with the country named in the console language; "IP, local network" for a private address. */
export function placeOf(row: Pick<ComputerRow, 'ip' | 'city' | 'country'>, language: string): { parts: string[]; local: boolean } {
  const ip = row.ip ?? '';
  if (ip && !row.city && !row.country && isLocalAddress(ip)) return { parts: [ip], local: true };
  let country = row.country ?? '';
  if (/^[A-Z]{2}$/.test(country)) {
    try {
      country = new Intl.DisplayNames([language], { type: 'region' }).of(country) ?? country;
    } catch {
      // An engine without region names: the code is still meaningful.
    }
  }
  return { parts: [ip, row.city ?? '', country].filter(Boolean), local: false };
}

/**
 * One computer, as a row (List) or a card with its screenshot (Details): status, OS, bold name,
 * "IP, city, country", last connection in the user's zone, Connect, and the actions menu.
 */
@Component({
  selector: 'app-computer-item',
  imports: [TranslatePipe, DateTimePipe, OsIcon, StatusBadge, ComputerScreenshot],
  templateUrl: './computer-item.html',
  styleUrl: './computer-item.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: {
    'data-testid': 'computer-row',
    '[attr.data-id]': 'computer().id',
    '[attr.data-status]': 'computer().status',
    '[class.details]': "view() === 'details'",
  },
})
export class ComputerItem {
  private readonly language = inject(LanguageService);
  readonly computer = input.required<ComputerRow>();
  readonly view = input<ComputerView>('list');
  readonly action = output<ComputerAction>();
  protected readonly menuOpen = signal(false);

  protected readonly place = computed(() => placeOf(this.computer(), this.language.current()));
  protected readonly menuId = computed(() => `computer-menu-${this.computer().id}`);
  protected readonly canFavourite = computed(() => !this.computer().demo);
  protected readonly canSettings = computed(() => !this.computer().demo && (this.computer().canManage || this.computer().owned));
  protected readonly canAdminister = computed(() => !this.computer().demo && this.computer().canAdminister);
  /** An offline computer's session waits for its agent. */
  protected readonly canConnect = computed(() => CONNECTABLE.has(this.computer().status));
  protected readonly hasActions = computed(() => this.canConnect() || this.canFavourite() || this.canSettings() || this.canAdminister());

  protected toggleMenu(): void {
    this.menuOpen.update((open) => !open);
  }

  /** Tabbing or clicking away from the menu closes it. */
  protected closeMenuIfLeft(event: FocusEvent): void {
    const menu = event.currentTarget as HTMLElement;
    if (!(event.relatedTarget instanceof Node) || !menu.contains(event.relatedTarget)) this.menuOpen.set(false);
  }

  protected choose(action: ComputerAction): void {
    this.menuOpen.set(false);
    this.action.emit(action);
  }
}
