import type { Routes } from '@angular/router';
import { ServerDetailPage } from './server-detail.page';

export default [
  { path: '', component: ServerDetailPage, title: 'Server · omni2' },
] satisfies Routes;
