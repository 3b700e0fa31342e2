import type { Routes } from '@angular/router';
import { authGuard, roleGuard } from './core/auth.guard';
import { Shell } from './shell/shell';

/** One lazy route file per feature folder; everything but the login page is behind sign-in. */
export const routes: Routes = [
  { path: 'login', loadChildren: () => import('./login/login.routes') },
  {
    path: '',
    component: Shell,
    canActivate: [authGuard],
    children: [
      { path: '', pathMatch: 'full', loadChildren: () => import('./dashboard/dashboard.routes') },
      { path: 'servers', loadChildren: () => import('./servers/servers.routes') },
      { path: 'servers/:id', loadChildren: () => import('./server-detail/server-detail.routes') },
      { path: 'alerts', loadChildren: () => import('./alerts/alerts.routes') },
      {
        path: 'iam',
        canActivate: [roleGuard('admin')],
        loadChildren: () => import('./iam/iam.routes'),
      },
      {
        path: 'settings',
        canActivate: [roleGuard('admin')],
        loadChildren: () => import('./settings/settings.routes'),
      },
    ],
  },
  { path: '**', redirectTo: '' },
];
