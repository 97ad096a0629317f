/** The link settings the sender's unit tests sign with: one secret, links under https://links.example. */
export const secrets = ['s3cret-s3cret-s3cret-s3cret-s3cret-0'] as const;
export const links = {
  secrets,
  clickBaseUrl: 'https://links.example/r',
  unsubscribeBaseUrl: 'https://links.example/u',
};
