import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { startLocalRuntime } from '../../../../infra/local/runtime.js';
import { parseDuration } from '../../../../infra/local/scheduler.js';

describe('npm start', () => {
  it('refuses a taken port with a message naming it, before starting anything', async () => {
    const blocker = createServer();
    await new Promise<void>((ok) => blocker.listen(0, '127.0.0.1', ok));
    const { port } = blocker.address() as { port: number };
    const started = startLocalRuntime({
      dataDir: '/tmp/huitou-unused',
      inMemory: true,
      ports: { api: port, dynamodb: 0, ses: 0 },
      demoShop: false,
      realTimeClock: false,
      log: () => undefined,
    });
    await expect(started).rejects.toThrow(`Port ${port} (API) is taken`);
    blocker.close();
  });

  it('reads the durations people type for the clock', () => {
    expect(parseDuration('90s')).toBe(90_000);
    expect(parseDuration('2h')).toBe(7_200_000);
    expect(parseDuration('1d12h')).toBe(129_600_000);
    expect(() => parseDuration('7 days')).toThrow('not a duration');
  });
});
