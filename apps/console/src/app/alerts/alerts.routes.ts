import type { Routes } from '@angular/router';
import { AlertsPage } from './alerts.page';

export default [{ path: '', component: AlertsPage, title: 'Alerts · omni2' }] satisfies Routes;
