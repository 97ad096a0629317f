/**
 * Each shop sends as its own SES tenant, named from the shop id (the sender names it on every
 * email, the admin function makes it, the stack scopes IAM to the prefix). Shop ids are 2–40 of
 * [a-z0-9-], well inside SES's 64 characters of [A-Za-z0-9_-].
 */
export const tenantNamePrefix = 'huitou-';
export const tenantNameOf = (shopId: string) => `${tenantNamePrefix}${shopId}`;
