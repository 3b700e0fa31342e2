import type { Routes } from '@angular/router';
import { IamPage } from './iam.page';

export default [{ path: '', component: IamPage, title: 'IAM · omni2' }] satisfies Routes;
