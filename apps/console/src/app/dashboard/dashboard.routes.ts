import type { Routes } from '@angular/router';
import { DashboardPage } from './dashboard.page';

export default [
  { path: '', component: DashboardPage, title: 'Dashboard · omni2' },
] satisfies Routes;
