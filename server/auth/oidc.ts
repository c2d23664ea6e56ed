/**
 * Sign-in with the organisation's OpenID Connect provider (openid-client): authorization
 * code flow with PKCE, state and nonce; the session lives in the server's store
 * (the storage's sessions part, server/storage/session-types.ts) and the browser holds only
 * an opaque value naming it. The HTTP side (routes, cookies, redirects) is server/http/signin.ts:
 *
 *   GET  /auth/login?returnTo=/m/<id>  → 302 to the provider
 *   GET  /auth/callback                → 303 to returnTo with the session cookie set
 *   POST /auth/logout                  → 303 to /, session deleted (the page calls it with fetch), its sync connections closed
 *
 * The provider is discovered at the first sign-in, not at start: the server starts (and
 * serves links) while the provider is down. Flow and settings: docs/security.md.
 */
import { randomBytes } from 'node:crypto';
import * as client from 'openid-client';
import { isLoopbackIssuer, type OidcConfig } from '../config.ts';
import type { Logger } from '../log.ts';
import { hashToken, isTokenShaped } from './tokens.ts';
import type { SessionRecord, SessionStore, SignedInUser } from '../storage/session-types.ts';

/** Long enough to type a password and answer a second factor. */
export const LOGIN_TTL_MS = 10 * 60_000;
export const CALLBACK_PATH = '/auth/callback';

export interface SignInDeps {
	config: OidcConfig;
	sessions: SessionStore;
	log: Logger;
	/** Called after a logout with the ended session, to close the connections opened with it. */
	onLogout(session: SessionRecord): void;
	now?: () => number;
}

/** What the callback came to: a new session (its cookie value), or why not. */
export type SignInResult =
	| { status: 'ok'; value: string; session: SessionRecord; returnTo: string }
	| { status: 'expired' }
	| { status: 'failed' };

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

	get sessionHours(): number {
		return this.#deps.config.sessionHours;
	}

	/** Whether an organiser group is configured: without one every signed-in person counts as an organiser. */
	get namesOrganisers(): boolean {
		return this.#deps.config.organiserGroup !== null;
	}

	#now(): number {
		return this.#deps.now?.() ?? Date.now();
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

	/** The signed-in session a cookie value names, or null (none, unknown, expired, or a store error). */
	async sessionOf(value: string | undefined): Promise<SessionRecord | null> {
		if (!isTokenShaped(value)) return null;
		return this.#deps.sessions.getSession(hashToken(value), this.#now());
	}

	/**
	 * Starts a login: the pending attempt is stored under a fresh login id (the browser keeps it
	 * in a cookie until the callback). Null when the provider cannot be reached.
	 */
	async begin(origin: string, returnTo: string): Promise<{ loginId: string; url: string } | null> {
		let configuration: client.Configuration;
		try {
			configuration = await this.#discover();
		} catch (error) {
			this.#deps.log.error({ err: error, issuer: this.#deps.config.issuer }, 'OIDC discovery failed');
			return null;
		}
		const codeVerifier = client.randomPKCECodeVerifier();
		const state = client.randomState();
		const nonce = client.randomNonce();
		const loginId = randomBytes(32).toString('base64url');
		await this.#deps.sessions.saveLogin(hashToken(loginId), { state, nonce, codeVerifier, returnTo: safeReturnTo(returnTo), expiresAt: this.#now() + LOGIN_TTL_MS });
		const url = client.buildAuthorizationUrl(configuration, {
			redirect_uri: origin + CALLBACK_PATH,
			scope: 'openid email profile',
			code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
			code_challenge_method: 'S256',
			state,
			nonce
		});
		return { loginId, url: url.href };
	}

	/** Finishes the login the id names with the provider's answer (the callback URL); the attempt is used up either way. */
	async finish(loginId: string | undefined, callbackUrl: URL): Promise<SignInResult> {
		const attempt = isTokenShaped(loginId) ? await this.#deps.sessions.takeLogin(hashToken(loginId), this.#now()) : null;
		if (!attempt) {
			this.#deps.log.info('sign-in callback without a pending login (expired, used, or another browser)');
			return { status: 'expired' };
		}
		let user: SignedInUser;
		try {
			const configuration = await this.#discover();
			const tokens = await client.authorizationCodeGrant(configuration, callbackUrl, {
				pkceCodeVerifier: attempt.codeVerifier,
				expectedState: attempt.state,
				expectedNonce: attempt.nonce,
				idTokenExpected: true
			});
			const idClaims = tokens.claims() as Record<string, unknown>;
			const info = await client.fetchUserInfo(configuration, tokens.access_token, String(idClaims.sub)).catch(() => ({}));
			user = userFromClaims(this.#deps.config, configuration.serverMetadata().issuer, { ...info, ...idClaims });
		} catch (error) {
			this.#deps.log.warn({ err: error instanceof Error ? error.message : String(error) }, 'sign-in refused');
			return { status: 'failed' };
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
		return { status: 'ok', value, session, returnTo: attempt.returnTo };
	}

	/** Ends the session a cookie value names (if any) and closes the connections opened with it. */
	async end(value: string | undefined): Promise<void> {
		const ended = isTokenShaped(value) ? await this.#deps.sessions.deleteSession(hashToken(value)) : null;
		if (ended) {
			this.#deps.log.info({ session: ended.id }, 'signed out');
			this.#deps.onLogout(ended);
		}
	}
}
