import { deflateRawSync, inflateRawSync } from 'node:zlib';

/**
 * JSON kept as one deflated binary attribute: for state that is read and written whole and never
 * queried. Compressed, an item stays near one write unit, and DynamoDB bills a write by the larger
 * of the item before and after it, so a big item costs on every write, shrinking ones included.
 */
export function packJson(value: unknown): Uint8Array {
  return deflateRawSync(JSON.stringify(value));
}

export function unpackJson<T>(packed: unknown): T {
  return JSON.parse(inflateRawSync(packed as Uint8Array).toString('utf8')) as T;
}
