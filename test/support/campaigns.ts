/**
 * The campaign body of the issue that asked for campaigns, as a shop POSTs it: free shipping from
 * 80 for the customers just under it, by email, a tenth held out, launched at once.
 */
export const freeShipping = {
  name: 'Free shipping over 80',
  offer: { type: 'free_shipping', threshold: 80 },
  audience: { offerFit: true },
  channels: ['email'],
  holdoutShare: 0.1,
  schedule: { at: 'now' },
};
