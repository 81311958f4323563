import { Routes } from '@angular/router';

import { passwordChangeGuard, signedInGuard, signedOutGuard } from './auth/auth.guards';
import { ComingSoonPage } from './coming-soon/coming-soon-page';
import { BARE_LAYOUT } from './shell/shell';

function comingSoon(path: string, titleKey: string): Routes[number] {
  return { path, component: ComingSoonPage, title: titleKey, data: { titleKey }, canActivate: [signedInGuard] };
}

const bare = { [BARE_LAYOUT]: true };

export const routes: Routes = [
  { path: '', pathMatch: 'full', redirectTo: 'status' },

  // Signed out: the form alone in the middle of the page.
  {
    path: 'sign-in',
    title: 'signIn.title',
    data: bare,
    canActivate: [signedOutGuard],
    loadComponent: () => import('./auth-pages/sign-in-page').then((m) => m.SignInPage),
  },
  {
    path: 'register',
    title: 'register.title',
    data: bare,
    canActivate: [signedOutGuard],
    loadComponent: () => import('./auth-pages/register-page').then((m) => m.RegisterPage),
  },
  {
    path: 'recover',
    title: 'recover.title',
    data: bare,
    canActivate: [signedOutGuard],
    loadComponent: () => import('./auth-pages/recover-page').then((m) => m.RecoverPage),
  },
  {
    // The emailed link: it works whether or not this browser has a session.
    path: 'recover/complete',
    title: 'recoverComplete.title',
    data: bare,
    loadComponent: () => import('./auth-pages/recover-complete-page').then((m) => m.RecoverCompletePage),
  },
  {
    path: 'auth/callback',
    title: 'signIn.title',
    data: bare,
    loadComponent: () => import('./auth-pages/auth-callback-page').then((m) => m.AuthCallbackPage),
  },
  {
    path: 'first-login',
    title: 'firstLogin.title',
    data: bare,
    canActivate: [passwordChangeGuard],
    loadComponent: () => import('./auth-pages/first-login-page').then((m) => m.FirstLoginPage),
  },

  // Signed in.
  {
    path: 'computers',
    title: 'nav.computers',
    canActivate: [signedInGuard],
    loadComponent: () => import('./computers/computers-page').then((m) => m.ComputersPage),
  },
  {
    path: 'sessions',
    title: 'nav.sessions',
    canActivate: [signedInGuard],
    loadComponent: () => import('./sessions/sessions-page').then((m) => m.SessionsPage),
  },
  {
    path: 'sessions/history',
    title: 'nav.history',
    canActivate: [signedInGuard],
    loadComponent: () => import('./sessions/history/session-history-page').then((m) => m.SessionHistoryPage),
  },
  { path: 'history', redirectTo: 'sessions/history' },
  {
    path: 'sessions/:id/replay',
    title: 'sessions.replay.title',
    canActivate: [signedInGuard],
    loadComponent: () => import('./sessions/replay/session-replay-page').then((m) => m.SessionReplayPage),
  },
  {
    // No guard: a guest from a public permalink watches with a viewer token; the page sends others to sign in.
    path: 'sessions/:id',
    title: 'sessions.viewer.title',
    loadComponent: () => import('./sessions/viewer/session-viewer-page').then((m) => m.SessionViewerPage),
  },
  comingSoon('tickets', 'nav.tickets'),
  comingSoon('settings', 'nav.settings'),
  {
    path: 'audit',
    title: 'nav.auditLog',
    canActivate: [signedInGuard],
    loadComponent: () => import('./audit/audit-page').then((m) => m.AuditPage),
  },
  { path: 'audit-log', redirectTo: 'audit' },
  {
    path: 'profile',
    title: 'profile.title',
    canActivate: [signedInGuard],
    loadComponent: () => import('./profile/profile-page').then((m) => m.ProfilePage),
  },
  {
    path: 'profile/password',
    title: 'changePassword.title',
    canActivate: [signedInGuard],
    loadComponent: () => import('./profile/change-password-page').then((m) => m.ChangePasswordPage),
  },
  {
    path: 'profile/delete',
    title: 'deleteAccount.title',
    canActivate: [signedInGuard],
    loadComponent: () => import('./profile/delete-account-page').then((m) => m.DeleteAccountPage),
  },

  // Public: an add-computer link, opened on the computer to add.
  {
    path: 'add-computer',
    title: 'computers.addPage.title',
    data: bare,
    loadComponent: () => import('./computers/add-computer-page').then((m) => m.AddComputerPage),
  },

  // Public: a technician's support link, opened by the end-user (full and short forms).
  {
    path: 'support/:token',
    title: 'support.title',
    data: bare,
    loadComponent: () => import('./support/support-page').then((m) => m.SupportPage),
  },
  {
    path: 's/:token',
    title: 'support.title',
    data: bare,
    loadComponent: () => import('./support/support-page').then((m) => m.SupportPage),
  },
  // Public: a permalink to a session on one computer (signed in, or a guest with its password).
  {
    path: 'p/:accountId/:path',
    title: 'permalink.title',
    data: bare,
    loadComponent: () => import('./support/permalink-page').then((m) => m.PermalinkPage),
  },

  // Public: server health, for operators and monitoring.
  {
    path: 'status',
    title: 'nav.status',
    loadComponent: () => import('./status/status-page').then((m) => m.StatusPage),
  },
  { path: '**', redirectTo: 'status' },
];
