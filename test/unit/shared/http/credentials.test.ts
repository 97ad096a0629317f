import { describe, expect, it } from 'vitest';
import { presentedApiKey } from '../../../../shared/http/credentials.js';

const key = 'hk_abcdefghijklmnopqrstuvwxyz012345';
const basic = (userPass: string) => `Basic ${Buffer.from(userPass).toString('base64')}`;
const request = (authorization?: string, body?: unknown, isBase64Encoded = false) => ({
  headers: authorization === undefined ? {} : { authorization },
  body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  isBase64Encoded,
});

describe('presentedApiKey', () => {
  it('takes a bearer key on every route', () => {
    expect(presentedApiKey(request(`Bearer ${key}`), 'bearer')).toBe(key);
    expect(presentedApiKey(request(`Bearer ${key}`), 'write-key')).toBe(key);
    expect(presentedApiKey(request(`bearer ${key}`), 'bearer')).toBe(key);
  });

  it('takes the user name of HTTP Basic on write-key routes, whatever the password', () => {
    expect(presentedApiKey(request(basic(`${key}:`)), 'write-key')).toBe(key);
    expect(presentedApiKey(request(basic(`${key}:anything`)), 'write-key')).toBe(key);
    expect(presentedApiKey(request(basic(`${key}:`)), 'bearer')).toBeUndefined();
  });

  it('finds no key in malformed Basic credentials', () => {
    expect(presentedApiKey(request('Basic !!not-base64!!'), 'write-key')).toBeUndefined();
    expect(presentedApiKey(request(basic(key)), 'write-key')).toBeUndefined(); // no colon
    expect(presentedApiKey(request(basic(':secret')), 'write-key')).toBeUndefined(); // no user
    expect(presentedApiKey(request('Basic'), 'write-key')).toBeUndefined();
    expect(presentedApiKey(request(`Token ${key}`), 'write-key')).toBeUndefined();
  });

  it('takes writeKey from a JSON body on write-key routes when there is no Authorization header', () => {
    expect(presentedApiKey(request(undefined, { writeKey: key, batch: [] }), 'write-key')).toBe(key);
    const encoded = Buffer.from(JSON.stringify({ writeKey: key })).toString('base64');
    expect(presentedApiKey(request(undefined, encoded, true), 'write-key')).toBe(key);
    expect(presentedApiKey(request(undefined, { writeKey: key }), 'bearer')).toBeUndefined();
  });

  it('lets no body key stand in for a bad header, and ignores bodies that are not what it looks for', () => {
    expect(presentedApiKey(request('Bearer', { writeKey: key }), 'write-key')).toBeUndefined();
    expect(presentedApiKey(request(basic('wrong:'), { writeKey: key }), 'write-key')).toBe('wrong');
    expect(presentedApiKey(request(undefined, '{not json'), 'write-key')).toBeUndefined();
    expect(presentedApiKey(request(undefined, [{ writeKey: key }]), 'write-key')).toBeUndefined();
    expect(presentedApiKey(request(undefined, { writeKey: 42 }), 'write-key')).toBeUndefined();
  });

  it('finds nothing when nothing is presented', () => {
    expect(presentedApiKey(request(), 'bearer')).toBeUndefined();
    expect(presentedApiKey(request(), 'write-key')).toBeUndefined();
  });
});
