import { Routes } from '@angular/router';

import { ComingSoonPage } from './coming-soon/coming-soon-page';

function comingSoon(path: string, titleKey: string): Routes[number] {
  return { path, component: ComingSoonPage, title: titleKey, data: { titleKey } };
}

export const routes: Routes = [
  { path: '', pathMatch: 'full', redirectTo: 'status' },
  comingSoon('computers', 'nav.computers'),
  comingSoon('sessions', 'nav.sessions'),
  comingSoon('history', 'nav.history'),
  comingSoon('tickets', 'nav.tickets'),
  comingSoon('audit-log', 'nav.auditLog'),
  comingSoon('settings', 'nav.settings'),
  {
    path: 'status',
    title: 'nav.status',
    loadComponent: () => import('./status/status-page').then((m) => m.StatusPage),
  },
  { path: '**', redirectTo: 'status' },
];
