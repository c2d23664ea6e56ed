/**
 * Helpers for the sign-in tests: the whole redirect flow between the app and the
 * in-process identity provider (tests/fixtures/identity-provider.ts), driven with fetch
 * and a small cookie jar, as a browser would follow it.
 */
import path from 'node:path';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { MESSAGE_NOTICE, MESSAGE_SAVED } from '../../src/lib/protocol/index.ts';
import { defaultConfig, type ServerConfig } from '../../server/config.ts';
import { type RunningServer, startServer } from '../../server/index.ts';
import type { MeetingStorage } from '../../server/storage/types.ts';
import { ORGANISER_GROUP, type IdentityProvider, startIdentityProvider } from '../fixtures/identity-provider.ts';
import { freePort, tempDir, upgradeStatus } from './helpers.ts';

export interface SignInSetup {
	app: RunningServer;
	origin: string;
	idp: IdentityProvider;
	/** What the app runs with: another instance of the same deployment starts from it. */
	config: ServerConfig;
	close(): Promise<void>;
}

/** The app (in-process, with `storage` or SQLite in a temp dir) and the provider it trusts. */
export async function startWithIdentityProvider(options: { storage?: MeetingStorage; config?: Partial<ServerConfig> } = {}): Promise<SignInSetup> {
	const [appPort, idpPort] = [await freePort(), await freePort()];
	const origin = `http://127.0.0.1:${appPort}`;
	const idp = await startIdentityProvider({ port: idpPort, redirectUri: `${origin}/auth/callback` });
	const dataDir = tempDir();
	const config: ServerConfig = {
		...defaultConfig,
		port: appPort,
		host: '127.0.0.1',
		dataDir,
		logLevel: 'silent',
		appHandlerPath: path.join(dataDir, 'no-build', 'handler.js'),
		createMeetings: 'signed-in',
		oidc: { issuer: idp.issuer, clientId: idp.clientId, clientSecret: idp.clientSecret, organiserGroup: ORGANISER_GROUP, groupsClaim: 'groups', sessionHours: 8, sessionCheckMs: 250 },
		...options.config
	};
	const app = await startServer(config, { storage: options.storage });
	return {
		app,
		origin,
		idp,
		config,
		async close() {
			await app.close();
			await idp.close();
		}
	};
}

/** Cookies per origin, as a browser keeps them (enough for these two servers). */
export class CookieJar {
	readonly #cookies = new Map<string, Map<string, string>>();

	take(url: string, response: Response): void {
		const origin = new URL(url).origin;
		const jar = this.#cookies.get(origin) ?? new Map<string, string>();
		for (const line of response.headers.getSetCookie()) {
			const [pair, ...attributes] = line.split(';');
			const eq = pair.indexOf('=');
			const name = pair.slice(0, eq).trim();
			const value = pair.slice(eq + 1).trim();
			const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a)) || value === '';
			if (expired) jar.delete(name);
			else jar.set(name, value);
		}
		this.#cookies.set(origin, jar);
	}

	header(url: string): string {
		return [...(this.#cookies.get(new URL(url).origin) ?? new Map()).entries()].map(([n, v]) => `${n}=${v}`).join('; ');
	}
}

/** One request with the jar's cookies, redirects not followed. */
export async function request(jar: CookieJar, url: string, init: RequestInit = {}): Promise<Response> {
	const response = await fetch(url, { ...init, redirect: 'manual', headers: { ...(init.headers as Record<string, string>), cookie: jar.header(url) } });
	jar.take(url, response);
	return response;
}

/**
 * Signs in as `email` through the whole flow: the app's /auth/login, the provider's
 * authorization and login page, back to the app's callback. Resolves with the address the
 * app finally sent the browser to, and the jar holding the session cookie.
 */
export async function signIn(origin: string, email: string, returnTo = '/'): Promise<{ jar: CookieJar; landedOn: string; setCookie: string[] }> {
	const jar = new CookieJar();
	let url = `${origin}/auth/login?returnTo=${encodeURIComponent(returnTo)}`;
	let setCookie: string[] = [];
	for (let hop = 0; hop < 12; hop++) {
		let response = await request(jar, url);
		if (response.status === 200 && url.includes('/interaction/')) {
			response = await request(jar, url, {
				method: 'POST',
				headers: { 'content-type': 'application/x-www-form-urlencoded' },
				body: new URLSearchParams({ email }).toString()
			});
		}
		if (url.startsWith(`${origin}/auth/callback`)) setCookie = response.headers.getSetCookie();
		const location = response.headers.get('location');
		if (response.status < 300 || response.status >= 400 || !location) throw new Error(`sign-in stopped at ${url}: ${response.status} ${await response.text()}`);
		const next = new URL(location, url).href;
		if (new URL(next).origin === origin && !next.startsWith(`${origin}/auth/`)) return { jar, landedOn: next.slice(origin.length), setCookie };
		url = next;
	}
	throw new Error('sign-in: too many redirects');
}

/** A y-websocket client that opens the sync socket with the browser's cookies and no token. */
export function connectWithCookie(origin: string, meetingId: string, cookie: string) {
	const doc = new Y.Doc();
	class CookieSocket extends WebSocket {
		constructor(address: string, protocols?: string | string[]) {
			super(address, protocols, { headers: { cookie } });
		}
	}
	const closes: number[] = [];
	const provider = new WebsocketProvider(origin.replace(/^http/, 'ws') + '/sync', meetingId, doc, {
		WebSocketPolyfill: CookieSocket as unknown as typeof globalThis.WebSocket,
		disableBc: true
	});
	provider.on('connection-close', (event) => {
		if (event) closes.push(event.code);
	});
	// The server's own messages (saved, notice) are not the stock client's: read and ignored here.
	provider.messageHandlers[MESSAGE_SAVED] = () => undefined;
	provider.messageHandlers[MESSAGE_NOTICE] = () => undefined;
	return {
		doc,
		provider,
		closes,
		destroy() {
			provider.destroy();
			doc.destroy();
		}
	};
}

/** The HTTP status of a sync upgrade with these cookies and no token (101 when it opens). */
export function upgradeWithCookie(origin: string, meetingId: string, cookie: string): Promise<number> {
	return upgradeStatus(`${origin.replace(/^http/, 'ws')}/sync/${meetingId}`, { cookie });
}
