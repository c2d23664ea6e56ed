import { describe, expect, it } from 'vitest';
import { defaultConfig, loadConfig } from './config.ts';

describe('loadConfig: access and limits', () => {
	it('is open with default limits on an empty environment', () => {
		const config = loadConfig({});
		expect(config).toMatchObject({ createMeetings: 'open', organiserSecret: null, trustProxy: false, maxDocumentBytes: 32 * 1024 * 1024 });
		expect(config.apiRateLimit).toEqual(defaultConfig.apiRateLimit);
		expect(config.connectRateLimit).toEqual(defaultConfig.connectRateLimit);
	});

	it('reads the limits and switches to the organiser secret when one is set', () => {
		const config = loadConfig({
			ORGANISER_SECRET: 'a-long-enough-secret',
			MAX_DOCUMENT_BYTES: '1048576',
			MAX_MEETINGS: '50',
			API_RATE_PER_SECOND: '2',
			API_RATE_BURST: '20',
			CONNECT_RATE_PER_SECOND: '3',
			CONNECT_RATE_BURST: '30',
			TRUST_PROXY: '1'
		});
		expect(config).toMatchObject({
			createMeetings: 'secret',
			organiserSecret: 'a-long-enough-secret',
			maxDocumentBytes: 1048576,
			maxMeetings: 50,
			apiRateLimit: { perSecond: 2, burst: 20 },
			connectRateLimit: { perSecond: 3, burst: 30 },
			trustProxy: true
		});
	});

	it.each([
		[{ CREATE_MEETINGS: 'secret' }, /ORGANISER_SECRET/],
		[{ CREATE_MEETINGS: 'open', ORGANISER_SECRET: 'a-long-enough-secret' }, /CREATE_MEETINGS=open/],
		[{ CREATE_MEETINGS: 'closed' }, /CREATE_MEETINGS/],
		[{ ORGANISER_SECRET: 'short' }, /at least 16/],
		[{ MAX_MEETINGS: '0' }, /MAX_MEETINGS/],
		[{ MAX_DOCUMENT_BYTES: '10' }, /MAX_DOCUMENT_BYTES/],
		[{ API_RATE_BURST: 'x' }, /API_RATE_BURST/]
	])('refuses %o', (env, message) => {
		expect(() => loadConfig(env)).toThrow(message);
	});
});
