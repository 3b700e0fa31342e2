import type { Routes } from '@angular/router';
import { ServersPage } from './servers.page';

export default [
  { path: '', component: ServersPage, title: 'MCP servers · omni2' },
] satisfies Routes;
