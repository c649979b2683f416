/** Redaction: every string at any depth, by pattern and by the engine's own secret values. */
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger, logSinkFailures, type LogSink } from '../domain/log';
import { forgetSecrets, redact, redactText, rememberSecret } from './redact';

const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';

afterEach(() => forgetSecrets());

describe('redactText', () => {
  it('scrubs secrets inside free text', () => {
    expect(redactText('Authorization: Bearer abc.def-123')).toBe('Authorization: Bearer [redacted]');
    expect(redactText('header Basic dXNlcjpwYXNz')).toBe('header Basic [redacted]');
    expect(redactText(`got ${JWT} back`)).toBe('got [redacted] back');
    expect(redactText('{"name":"a","password":"hunter2","accessToken":"x\\"y"}')).toBe('{"name":"a","password":"[redacted]","accessToken":"[redacted]"}');
    expect(redactText('{"p-ticket":"abc')).toBe('{"p-ticket":"[redacted]"');
    expect(redactText('/auth?api_key=k1&sec=s2&user=bob')).toBe('/auth?api_key=[redacted]&sec=[redacted]&user=bob');
    expect(redactText('login failed: password: hunter2, retry')).toBe('login failed: password: [redacted], retry');
  });

  it('leaves ordinary text alone', () => {
    for (const t of ['order 12 rejected: price outside limits', 'token expired, renewing', 'Basic plan', 'the access token was renewed in 3 s']) expect(redactText(t)).toBe(t);
  });

  it('scrubs the engine\'s own secret values wherever they appear, once remembered', () => {
    expect(redactText('user bob said s3cr3t-value-9')).toBe('user bob said s3cr3t-value-9');
    rememberSecret('s3cr3t-value-9');
    rememberSecret('abc'); // too short to be told from ordinary text: ignored
    expect(redactText('user bob said s3cr3t-value-9 twice: s3cr3t-value-9')).toBe('user bob said [redacted] twice: [redacted]');
    expect(redactText('abc')).toBe('abc');
  });

  it('forgets the oldest remembered values past its bound, keeping those in use', () => {
    rememberSecret('first-token-000');
    for (let i = 1; i <= 64; i++) rememberSecret(`session-token-${i}`);
    rememberSecret('session-token-1'); // in use again: kept
    rememberSecret('session-token-65');
    expect(redactText('first-token-000')).toBe('first-token-000');
    expect(redactText('session-token-1 session-token-65')).toBe('[redacted] [redacted]');
  });
});

describe('redact', () => {
  it('scrubs strings in every field, not only secret-named ones, at any depth', () => {
    let deep: unknown = { note: `Bearer ${JWT}` };
    for (let i = 0; i < 12; i++) deep = { next: deep, list: [deep] };
    const out = JSON.stringify(redact({ error: 'HTTP 401 for {"password":"hunter2"}', deep }));
    expect(out).not.toContain('hunter2');
    expect(out).not.toContain(JWT);
    expect(out).toContain('Bearer [redacted]');
  });

  it('replaces secret-named fields whatever their value', () => {
    expect(redact({ password: { nested: 1 }, apiKey: 42, user: 'bob' })).toEqual({ password: '[redacted]', apiKey: '[redacted]', user: 'bob' });
  });

  it('makes errors, cycles, bigints and over-deep values plain', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    const err = Object.assign(new Error('failed with Bearer abcdef'), { code: 'E1' });
    const out = redact({ cyclic, err, n: 10n, when: new Date(0) }) as Record<string, Record<string, unknown>>;
    expect(out.cyclic).toEqual({ a: 1, self: '[circular]' });
    expect(out.err?.message).toBe('failed with Bearer [redacted]');
    expect(out.err?.code).toBe('E1');
    expect(String(out.err?.stack)).not.toContain('abcdef');
    expect(out.n).toBe('10');
    expect(out.when).toBe('1970-01-01T00:00:00.000Z');
    let deep: unknown = 'Bearer leak';
    for (let i = 0; i < 40; i++) deep = [deep];
    expect(JSON.stringify(redact(deep))).toContain('[too deep]');
    expect(JSON.stringify(redact(deep))).not.toContain('leak');
  });
});

describe('createLogger', () => {
  it('scrubs the message as well as the fields', () => {
    const lines: Parameters<LogSink>[0][] = [];
    createLogger((l) => lines.push(l)).warn('login answered {"accessToken":"t0ken-value"}', { detail: 'password=hunter2' });
    expect(JSON.stringify(lines)).not.toMatch(/t0ken-value|hunter2/);
  });

  it('never throws into the caller when its sink fails, and counts the lost line', () => {
    const before = logSinkFailures();
    const log = createLogger(() => {
      throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
    });
    expect(() => log.error('placing order')).not.toThrow();
    expect(logSinkFailures()).toBe(before + 1);
  });
});
