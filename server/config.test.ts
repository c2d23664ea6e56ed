import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { defaultConfig, loadConfig } from './config.ts';

describe('loadConfig', () => {
	it('uses the defaults for an empty environment', () => {
		const config = loadConfig({});
		expect(config).toMatchObject({ port: 3000, host: '0.0.0.0', dataDir: './data', publicOrigin: null, logLevel: 'info' });
		expect(config.rateLimit).toEqual(defaultConfig.rateLimit);
		expect(config.appHandlerPath).toMatch(/build[\\/]handler\.js$/);
		expect(config).toMatchObject({ databaseUrl: null, redisUrl: null });
	});

	it('reads the PostgreSQL and Redis URLs', () => {
		const config = loadConfig({ DATABASE_URL: 'postgres://app:pw@db:5432/motesrum', REDIS_URL: 'rediss://cache:6380/0' });
		expect(config).toMatchObject({ databaseUrl: 'postgres://app:pw@db:5432/motesrum', redisUrl: 'rediss://cache:6380/0' });
	});

	it('refuses a wrong DATABASE_URL without repeating it (it may hold a password)', () => {
		expect(() => loadConfig({ DATABASE_URL: 'mysql://app:hemligt@db/x' })).toThrow(/^DATABASE_URL must be a postgres:/);
		expect(() => loadConfig({ DATABASE_URL: 'mysql://app:hemligt@db/x' })).not.toThrow(/hemligt/);
	});

	it('reads sign-in (OIDC) and refuses its settings without an issuer', () => {
		const env = { OIDC_ISSUER: 'https://login.kommun.example/tenant', OIDC_CLIENT_ID: 'motesrum' };
		expect(loadConfig(env).oidc).toEqual({
			issuer: 'https://login.kommun.example/tenant',
			clientId: 'motesrum',
			clientSecret: null,
			organiserGroup: null,
			groupsClaim: 'groups',
			sessionHours: 8,
			sessionCheckMs: 30_000
		});
		expect(loadConfig({ ...env, OIDC_ORGANISER_GROUP: 'motesarrangorer', OIDC_SESSION_CHECK_SECONDS: '5' }).oidc).toMatchObject({
			organiserGroup: 'motesarrangorer',
			sessionCheckMs: 5_000
		});
		expect(() => loadConfig({ ...env, OIDC_SESSION_CHECK_SECONDS: '0' })).toThrow(/OIDC_SESSION_CHECK_SECONDS must be an integer >= 1/);
		expect(() => loadConfig({ ...env, OIDC_ISSUER: 'http://login.kommun.example' })).toThrow(/must be an https URL/);
		expect(() => loadConfig({ OIDC_CLIENT_ID: 'motesrum' })).toThrow(/OIDC_CLIENT_ID is set but OIDC_ISSUER is not/);
	});

	it('reads the environment', () => {
		const config = loadConfig({
			PORT: '0',
			HOST: '127.0.0.1',
			DATA_DIR: '/tmp/x',
			PUBLIC_ORIGIN: 'https://motesrum.example.se/ignored/path',
			LOG_LEVEL: 'warn',
			SYNC_RATE_PER_SECOND: '50',
			SYNC_RATE_BURST: '80'
		});
		expect(config).toMatchObject({
			port: 0,
			host: '127.0.0.1',
			dataDir: '/tmp/x',
			publicOrigin: 'https://motesrum.example.se',
			logLevel: 'warn',
			rateLimit: { perSecond: 50, burst: 80 }
		});
	});

	it.each([
		[{ PORT: 'abc' }, /PORT/],
		[{ PORT: '-1' }, /PORT/],
		[{ LOG_LEVEL: 'loud' }, /LOG_LEVEL/],
		[{ PUBLIC_ORIGIN: 'ftp://x' }, /PUBLIC_ORIGIN/],
		[{ PUBLIC_ORIGIN: 'not a url' }, /PUBLIC_ORIGIN/],
		[{ SYNC_RATE_BURST: '0' }, /SYNC_RATE_BURST/],
		[{ REDIS_URL: 'http://cache' }, /REDIS_URL/],
		[{ DATABASE_URL: 'not a url' }, /DATABASE_URL/],
		[{ METRICS_TOKEN: 'short' }, /METRICS_TOKEN must be at least 16/],
		[{ METRICS_PORT: '0' }, /METRICS_PORT/],
		[{ SHUTDOWN_GRACE_MS: 'soon' }, /SHUTDOWN_GRACE_MS/],
		[{ WORKERS: '0' }, /WORKERS/],
		[{ WORKERS: 'many' }, /WORKERS/],
		[{ WORKERS: '65' }, /WORKERS must be at most 64/]
	])('refuses %o', (env, message) => {
		expect(() => loadConfig(env)).toThrow(message);
	});

	it('runs one process unless WORKERS says otherwise; auto is one per core', () => {
		expect(loadConfig({}).workers).toBe(1);
		expect(loadConfig({ WORKERS: '3' }).workers).toBe(3);
		expect(loadConfig({ WORKERS: 'auto' }).workers).toBe(os.availableParallelism());
	});

	it('reads the metrics and shutdown settings, off by default', () => {
		expect(loadConfig({})).toMatchObject({ metricsPort: null, metricsToken: null, shutdownGraceMs: 1000 });
		expect(loadConfig({ METRICS_PORT: '9464', METRICS_HOST: '127.0.0.1', METRICS_TOKEN: 'x'.repeat(16), SHUTDOWN_GRACE_MS: '250' })).toMatchObject({
			metricsPort: 9464,
			metricsHost: '127.0.0.1',
			metricsToken: 'x'.repeat(16),
			shutdownGraceMs: 250
		});
	});

	it('reads how long a meeting goes without a write before its document is held encoded; 0 turns it off', () => {
		expect(loadConfig({}).idleRoomMs).toBe(30_000);
		expect(loadConfig({ IDLE_ROOM_MS: '0' }).idleRoomMs).toBe(0);
		expect(loadConfig({ IDLE_ROOM_MS: '5000' }).idleRoomMs).toBe(5000);
		expect(() => loadConfig({ IDLE_ROOM_MS: '-1' })).toThrow(/IDLE_ROOM_MS/);
	});
});
