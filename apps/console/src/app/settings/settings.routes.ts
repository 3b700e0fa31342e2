import type { Routes } from '@angular/router';
import { SettingsPage } from './settings.page';

export default [{ path: '', component: SettingsPage, title: 'Settings · omni2' }] satisfies Routes;
