/**
 * Sign-in with the organisation's OpenID Connect provider (openid-client): authorization
 * code flow with PKCE, state and nonce; the session lives in the server's store
 * (the storage's sessions part, server/storage/session-types.ts) and the browser holds only an HttpOnly cookie naming it.
 *
 *   GET  /auth/login?returnTo=/m/<id>  → 302 to the provider
 *   GET  /auth/callback                → 303 to returnTo with the session cookie set
 *   POST /auth/logout                  → 303 to /, session deleted (the page calls it with fetch), its sync connections closed
 *
 * The provider is discovered at the first sign-in, not at start: the server starts (and
 * serves links) while the provider is down. Flow and settings: docs/security.md.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import * as client from 'openid-client';
import { isLoopbackIssuer, type OidcConfig } from '../config.ts';
import type { Logger } from '../log.ts';
import { requestOrigin } from '../http/request.ts';
import { sameOrigin } from '../http/security.ts';
import { hashToken, isTokenShaped } from './tokens.ts';
import type { SessionRecord, SessionStore, SignedInUser } from '../storage/session-types.ts';

export const SESSION_COOKIE = 'motesrum_session';
const LOGIN_COOKIE = 'motesrum_login';
/** Long enough to type a password and answer a second factor. */
const LOGIN_TTL_MS = 10 * 60_000;
export const CALLBACK_PATH = '/auth/callback';

export interface SignInDeps {
	config: OidcConfig;
	sessions: SessionStore;
	log: Logger;
	publicOrigin: string | null;
	trustProxy: boolean;
	/** Called after a logout with the ended session, to close the connections opened with it. */
	onLogout(session: SessionRecord): void;
	now?: () => number;
}

/** Cookie header → name/value pairs (first occurrence wins, as browsers send the most specific first). */
export function readCookies(req: IncomingMessage): Map<string, string> {
	const cookies = new Map<string, string>();
	for (const part of (req.headers.cookie ?? '').split(';')) {
		const eq = part.indexOf('=');
		if (eq < 0) continue;
		const name = part.slice(0, eq).trim();
		if (!cookies.has(name)) cookies.set(name, part.slice(eq + 1).trim());
	}
	return cookies;
}

/** Only a path on this server: never another origin (`//evil`, `/\evil`) or a scheme. */
export function safeReturnTo(value: string | null): string {
	if (!value || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\') || value.length > 500) return '/';
	return value;
}

function groupsOf(claims: Record<string, unknown>, claim: string): string[] {
	const value = claims[claim];
	if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
	return typeof value === 'string' ? value.split(/[\s,]+/).filter(Boolean) : [];
}

/** The user from the ID token's claims and the userinfo answer (either may hold email and groups). */
export function userFromClaims(config: OidcConfig, issuer: string, claims: Record<string, unknown>): SignedInUser {
	const email = typeof claims.email === 'string' && claims.email_verified !== false ? claims.email.trim().toLowerCase() : null;
	const name =
		(typeof claims.name === 'string' && claims.name.trim()) ||
		[claims.given_name, claims.family_name].filter((p) => typeof p === 'string').join(' ').trim() ||
		email ||
		String(claims.sub);
	return {
		subject: `${issuer}#${String(claims.sub)}`,
		email,
		name: name.slice(0, 200),
		organiser: config.organiserGroup === null || groupsOf(claims, config.groupsClaim).includes(config.organiserGroup)
	};
}

export class OidcSignIn {
	readonly #deps: SignInDeps;
	#configuration: Promise<client.Configuration> | null = null;

	constructor(deps: SignInDeps) {
		this.#deps = deps;
	}

	#now(): number {
		return this.#deps.now?.() ?? Date.now();
	}

	#origin(req: IncomingMessage): string {
		return this.#deps.publicOrigin ?? requestOrigin(req, this.#deps.trustProxy);
	}

	#discover(): Promise<client.Configuration> {
		const { config } = this.#deps;
		this.#configuration ??= client
			.discovery(
				new URL(config.issuer),
				config.clientId,
				undefined,
				config.clientSecret === null ? client.None() : client.ClientSecretBasic(config.clientSecret),
				{ execute: isLoopbackIssuer(config.issuer) && config.issuer.startsWith('http:') ? [client.allowInsecureRequests] : [] }
			)
			.catch((error: unknown) => {
				// The next sign-in tries again: the provider may just have been down.
				this.#configuration = null;
				throw error;
			});
		return this.#configuration;
	}

	#cookie(req: IncomingMessage, name: string, value: string, maxAgeSeconds: number, path = '/'): string {
		const secure = this.#origin(req).startsWith('https:') ? '; Secure' : '';
		return `${name}=${value}; Path=${path}; Max-Age=${maxAgeSeconds}; HttpOnly; SameSite=Lax${secure}`;
	}

	/** The signed-in session of the request's cookie, or null (none, unknown, expired, or a store error). */
	async sessionOf(req: IncomingMessage): Promise<SessionRecord | null> {
		const value = readCookies(req).get(SESSION_COOKIE);
		if (!isTokenShaped(value)) return null;
		return this.#deps.sessions.getSession(hashToken(value), this.#now());
	}

	async login(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const returnTo = safeReturnTo(new URL(req.url ?? '/', 'http://x').searchParams.get('returnTo'));
		let configuration: client.Configuration;
		try {
			configuration = await this.#discover();
		} catch (error) {
			this.#deps.log.error({ err: error, issuer: this.#deps.config.issuer }, 'OIDC discovery failed');
			return redirect(res, '/?signin=unavailable');
		}
		const codeVerifier = client.randomPKCECodeVerifier();
		const state = client.randomState();
		const nonce = client.randomNonce();
		const loginId = randomBytes(32).toString('base64url');
		await this.#deps.sessions.saveLogin(hashToken(loginId), { state, nonce, codeVerifier, returnTo, expiresAt: this.#now() + LOGIN_TTL_MS });
		const url = client.buildAuthorizationUrl(configuration, {
			redirect_uri: this.#origin(req) + CALLBACK_PATH,
			scope: 'openid email profile',
			code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
			code_challenge_method: 'S256',
			state,
			nonce
		});
		res.setHeader('Set-Cookie', this.#cookie(req, LOGIN_COOKIE, loginId, LOGIN_TTL_MS / 1000, '/auth'));
		redirect(res, url.href, 302);
	}

	async callback(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const loginId = readCookies(req).get(LOGIN_COOKIE);
		const attempt = isTokenShaped(loginId) ? await this.#deps.sessions.takeLogin(hashToken(loginId), this.#now()) : null;
		const clearLogin = this.#cookie(req, LOGIN_COOKIE, '', 0, '/auth');
		if (!attempt) {
			res.setHeader('Set-Cookie', clearLogin);
			this.#deps.log.info('sign-in callback without a pending login (expired, used, or another browser)');
			return redirect(res, '/?signin=expired');
		}
		let user: SignedInUser;
		try {
			const configuration = await this.#discover();
			const tokens = await client.authorizationCodeGrant(configuration, new URL(req.url ?? '/', this.#origin(req)), {
				pkceCodeVerifier: attempt.codeVerifier,
				expectedState: attempt.state,
				expectedNonce: attempt.nonce,
				idTokenExpected: true
			});
			const idClaims = tokens.claims() as Record<string, unknown>;
			const info = await client.fetchUserInfo(configuration, tokens.access_token, String(idClaims.sub)).catch(() => ({}));
			user = userFromClaims(this.#deps.config, configuration.serverMetadata().issuer, { ...info, ...idClaims });
		} catch (error) {
			res.setHeader('Set-Cookie', clearLogin);
			this.#deps.log.warn({ err: error instanceof Error ? error.message : String(error) }, 'sign-in refused');
			return redirect(res, '/?signin=failed');
		}
		const value = randomBytes(32).toString('base64url');
		const now = this.#now();
		const session: SessionRecord = {
			...user,
			id: randomBytes(12).toString('base64url'),
			createdAt: now,
			expiresAt: now + this.#deps.config.sessionHours * 3_600_000
		};
		await this.#deps.sessions.createSession(hashToken(value), session);
		this.#deps.log.info({ session: session.id, organiser: session.organiser }, 'signed in');
		res.setHeader('Set-Cookie', [clearLogin, this.#cookie(req, SESSION_COOKIE, value, this.#deps.config.sessionHours * 3600)]);
		redirect(res, attempt.returnTo);
	}

	async logout(req: IncomingMessage, res: ServerResponse): Promise<void> {
		// A page elsewhere must not sign the user out (SameSite=Lax already keeps the cookie off its POST).
		if (!sameOrigin(req, this.#deps.publicOrigin)) {
			res.writeHead(403, { 'Content-Type': 'text/plain; charset=utf-8' });
			res.end('Cross-origin request refused\n');
			return;
		}
		const value = readCookies(req).get(SESSION_COOKIE);
		const ended = isTokenShaped(value) ? await this.#deps.sessions.deleteSession(hashToken(value)) : null;
		if (ended) {
			this.#deps.log.info({ session: ended.id }, 'signed out');
			this.#deps.onLogout(ended);
		}
		res.setHeader('Set-Cookie', this.#cookie(req, SESSION_COOKIE, '', 0));
		redirect(res, '/');
	}
}

function redirect(res: ServerResponse, location: string, status = 303): void {
	res.writeHead(status, { Location: location, 'Cache-Control': 'no-store' });
	res.end();
}

/** The signed-in session of each request, resolved once by the request handler (http/app.ts). */
const sessionsOfRequests = new WeakMap<IncomingMessage, SessionRecord>();

export function rememberSession(req: IncomingMessage, session: SessionRecord | null): void {
	if (session) sessionsOfRequests.set(req, session);
}

/** The request's signed-in session (null without sign-in, or when OIDC is not configured). */
export function sessionOfRequest(req: IncomingMessage): SessionRecord | null {
	return sessionsOfRequests.get(req) ?? null;
}
