/** Every REST route's prefix (SPEC §5). */
export const API_PREFIX = 'api/v1';
