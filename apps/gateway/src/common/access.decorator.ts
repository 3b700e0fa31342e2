import { SetMetadata } from '@nestjs/common';
import type { Role } from '@omni2/contracts';

export const ACCESS_METADATA = 'omni2:access';

/** Every route states who may call it: `public`, or the least role that may. */
export type Access = 'public' | Role;

/** No credential needed (login, probes). */
export const Public = () => SetMetadata(ACCESS_METADATA, 'public' satisfies Access);

/** The least role that may call the route; higher roles may too. */
export const RequireRole = (role: Role) => SetMetadata(ACCESS_METADATA, role satisfies Access);
