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
  comingSoon('sessions', 'nav.sessions'),
  comingSoon('history', 'nav.history'),
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

  // Public: server health, for operators and monitoring.
  {
    path: 'status',
    title: 'nav.status',
    loadComponent: () => import('./status/status-page').then((m) => m.StatusPage),
  },
  { path: '**', redirectTo: 'status' },
];
