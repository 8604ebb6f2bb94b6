import { createLogger } from '../../src/core/logger';

describe('logger', () => {
  const fixedNow = (): Date => new Date('2026-01-02T03:04:05.000Z');

  it('writes levels at or above the threshold, one line each, with fields', () => {
    const lines: string[] = [];
    const log = createLogger({ level: 'info', write: (line) => lines.push(line), now: fixedNow });
    log.debug('hidden');
    log.info('listening', { port: 40123, host: '127.0.0.1' });
    log.warn('odd value', { text: 'two words', obj: { a: 1 } });
    log.error('failed', { error: new Error('boom') });
    expect(lines).toEqual([
      '2026-01-02T03:04:05.000Z INFO listening port=40123 host=127.0.0.1\n',
      '2026-01-02T03:04:05.000Z WARN odd value text="two words" obj={"a":1}\n',
      '2026-01-02T03:04:05.000Z ERROR failed error="boom"\n',
    ]);
  });

  it('reports which levels are enabled, so hot paths can skip building fields', () => {
    const log = createLogger({ level: 'warn', write: () => undefined });
    expect([log.enabled('error'), log.enabled('warn'), log.enabled('info'), log.enabled('debug')]).toEqual([true, true, false, false]);
    expect(createLogger({ level: 'debug', write: () => undefined }).enabled('debug')).toBe(true);
  });
});
