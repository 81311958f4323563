import request from 'supertest';
import { CONFIG_VARIABLES, ConfigError, DEFAULT_MAIL_FROM, describeConfig, loadConfig } from '../../adapters/nest/config';
import { ManualClock } from '../kit/counter-projection';
import { STRONG_PASSWORD, signedUp } from './auth-kit';
import { startApp, type E2eApp } from './e2e-app';

describe('sign-in configuration', () => {
  it('reads AUTH_SECRET, SMTP_URL, MAIL_FROM, PUBLIC_URL and TRUST_PROXY', () => {
    const config = loadConfig({
      AUTH_SECRET: 'a'.repeat(48),
      SMTP_URL: 'smtps://mailer:secret@smtp.example.com:465',
      MAIL_FROM: 'Switchboard <no-reply@example.com>',
      PUBLIC_URL: 'https://console.example.com/',
      TRUST_PROXY: 'loopback, 10.0.0.0/8',
    });
    expect(config).toMatchObject({
      authSecret: 'a'.repeat(48),
      smtpUrl: 'smtps://mailer:secret@smtp.example.com:465',
      mailFrom: 'Switchboard <no-reply@example.com>',
      publicUrl: 'https://console.example.com',
      trustProxy: ['loopback', '10.0.0.0/8'],
    });
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
    const described = JSON.stringify(describeConfig(config));
    expect(described).not.toContain('a'.repeat(48));
    expect(described).not.toContain(':secret@');
    expect(describeConfig(loadConfig({})).mailFrom).toBe(DEFAULT_MAIL_FROM);
  });

  it('names every bad sign-in variable at once, never echoing a secret', () => {
    let error: unknown;
    try {
      loadConfig({ AUTH_SECRET: 'too-short-secret', SMTP_URL: 'http://mail', MAIL_FROM: 'not an address', PUBLIC_URL: 'ftp://x', TRUST_PROXY: 'true' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    for (const name of ['AUTH_SECRET', 'SMTP_URL', 'MAIL_FROM', 'PUBLIC_URL', 'TRUST_PROXY']) expect(message).toContain(`${name}`);
    expect(message).not.toContain('too-short-secret');
    expect(() => loadConfig({ SMTP_URL: 'smtp://relay.example.com:587' })).toThrow(/MAIL_FROM: must be set with SMTP_URL/);
  });

  it('documents the variables in --help', () => {
    const names = CONFIG_VARIABLES.map((v) => v.name);
    expect(names).toEqual(expect.arrayContaining(['AUTH_SECRET', 'SMTP_URL', 'MAIL_FROM', 'PUBLIC_URL', 'TRUST_PROXY']));
  });
});

describe('behind a trusted proxy', () => {
  let app: E2eApp;

  beforeAll(async () => {
    app = await startApp({ TRUST_PROXY: 'loopback' }, { clock: new ManualClock() });
  });
  afterAll(async () => {
    await app.stop();
  });

  it('counts sign-in failures per forwarded client address, not per proxy', async () => {
    await signedUp(app, 'proxied@example.com');
    const from = (ip: string) => ({ 'X-Forwarded-For': ip });
    for (let i = 0; i < 21; i++) {
      await request(app.url).post('/api/auth/login').set(from('203.0.113.5')).send({ email: `spray${i}@example.com`, password: 'Spray-Pass-2024x' }).expect(401);
    }
    await request(app.url).post('/api/auth/login').set(from('203.0.113.5')).send({ email: 'proxied@example.com', password: STRONG_PASSWORD }).expect(429);
    await request(app.url).post('/api/auth/login').set(from('198.51.100.7')).send({ email: 'proxied@example.com', password: STRONG_PASSWORD }).expect(200);
    const attempt = (await app.infra.eventStore.readStream(`security-anonymous-2025-01-01`)).find((e) => e.data.reason === 'unknown_email');
    expect(attempt?.metadata.source?.ip).toBe('203.0.113.5');
  });
});
