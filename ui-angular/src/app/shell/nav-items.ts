/**
 * Left menu of the client space; `icon` is an SVG path on a 24×24 grid, drawn as a stroke. `id` names
 * the entry (test ids, tour targets); `exact`: highlighted on its own path only, not on the pages below it.
 */
export interface NavItem {
  readonly id: string;
  readonly path: string;
  readonly exact?: boolean;
  readonly labelKey: string;
  readonly icon: string;
}

export const NAV_ITEMS: readonly NavItem[] = [
  { id: 'computers', path: 'computers', labelKey: 'nav.computers', icon: 'M3 5h18v11H3zM8 20h8M12 16v4' },
  { id: 'sessions', path: 'sessions', exact: true, labelKey: 'nav.sessions', icon: 'M4 6h16v10H4zM9 20l3-4 3 4M9 11h6' },
  { id: 'history', path: 'sessions/history', labelKey: 'nav.history', icon: 'M12 7v5l3 2M3 12a9 9 0 1 0 3-6.7M3 4v4h4' },
  { id: 'tickets', path: 'tickets', labelKey: 'nav.tickets', icon: 'M4 7h16v4a2 2 0 0 0 0 4v4H4v-4a2 2 0 0 0 0-4zM10 7v12' },
  { id: 'audit', path: 'audit', labelKey: 'nav.auditLog', icon: 'M6 3h9l4 4v14H6zM9 12h7M9 16h7M9 8h3' },
  { id: 'settings', path: 'settings', labelKey: 'nav.settings', icon: 'M12 9a3 3 0 1 0 0 6 3 3 0 0 0 0-6zM12 2v3M12 19v3M2 12h3M19 12h3M5 5l2 2M17 17l2 2M5 19l2-2M17 7l2-2' },
  { id: 'status', path: 'status', labelKey: 'nav.status', icon: 'M3 12h4l3-7 4 14 3-7h4' },
];
