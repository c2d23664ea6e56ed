/**
 * The HTTP side of sign-in with OpenID Connect (the flow itself: server/auth/oidc.ts):
 * the routes, the HttpOnly cookies that name the pending login and the session, and the
 * signed-in session of each request (resolved once by http/app.ts, read by every route).
 *
 *   GET  /auth/login?returnTo=/m/<id>  → 302 to the provider
 *   GET  /auth/callback                → 303 to returnTo with the session cookie set
 *   POST /auth/logout                  → 303 to /, session deleted, its sync connections closed
 *   GET  /api/session                  → { user } (the contract's `session` route)
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CALLBACK_PATH, LOGIN_TTL_MS, type OidcSignIn } from '../auth/oidc.ts';
import type { SessionRecord } from '../storage/session-types.ts';
import { type Route, reply, route } from './route.ts';
import { sameOrigin } from './security.ts';

export const SESSION_COOKIE = 'motesrum_session';
const LOGIN_COOKIE = 'motesrum_login';

export interface SignInRouteDeps {
	signIn: OidcSignIn;
	publicOrigin: string | null;
	/** The origin the provider sends the browser back to. */
	origin(req: IncomingMessage): string;
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

/** The signed-in session the request's cookie names, or null. */
export function sessionOfCookie(signIn: OidcSignIn, req: IncomingMessage): Promise<SessionRecord | null> {
	return signIn.sessionOf(readCookies(req).get(SESSION_COOKIE));
}

function cookie(origin: string, name: string, value: string, maxAgeSeconds: number, path = '/'): string {
	const secure = origin.startsWith('https:') ? '; Secure' : '';
	return `${name}=${value}; Path=${path}; Max-Age=${maxAgeSeconds}; HttpOnly; SameSite=Lax${secure}`;
}

function redirect(res: ServerResponse, location: string, status = 303): void {
	res.writeHead(status, { Location: location, 'Cache-Control': 'no-store' });
	res.end();
}

export function signInRoutes(deps: SignInRouteDeps): Route[] {
	const { signIn } = deps;
	return [
		{
			method: 'GET',
			pattern: /^\/auth\/login$/,
			async handle(req, res) {
				const origin = deps.origin(req);
				const started = await signIn.begin(origin, new URL(req.url ?? '/', 'http://x').searchParams.get('returnTo') ?? '/');
				if (!started) return redirect(res, '/?signin=unavailable');
				res.setHeader('Set-Cookie', cookie(origin, LOGIN_COOKIE, started.loginId, LOGIN_TTL_MS / 1000, '/auth'));
				redirect(res, started.url, 302);
			}
		},
		{
			method: 'GET',
			pattern: new RegExp(`^${CALLBACK_PATH.replace(/\//g, '\\/')}$`),
			async handle(req, res) {
				const origin = deps.origin(req);
				const result = await signIn.finish(readCookies(req).get(LOGIN_COOKIE), new URL(req.url ?? '/', origin));
				const clearLogin = cookie(origin, LOGIN_COOKIE, '', 0, '/auth');
				if (result.status !== 'ok') {
					res.setHeader('Set-Cookie', clearLogin);
					return redirect(res, `/?signin=${result.status}`);
				}
				res.setHeader('Set-Cookie', [clearLogin, cookie(origin, SESSION_COOKIE, result.value, signIn.sessionHours * 3600)]);
				redirect(res, result.returnTo);
			}
		},
		{
			method: 'POST',
			pattern: /^\/auth\/logout$/,
			async handle(req, res) {
				// A page elsewhere must not sign the user out (SameSite=Lax already keeps the cookie off its POST).
				if (!sameOrigin(req, deps.publicOrigin)) {
					res.writeHead(403, { 'Content-Type': 'text/plain; charset=utf-8' });
					res.end('Cross-origin request refused\n');
					return;
				}
				await signIn.end(readCookies(req).get(SESSION_COOKIE));
				res.setHeader('Set-Cookie', cookie(deps.origin(req), SESSION_COOKIE, '', 0));
				redirect(res, '/');
			}
		},
		route('session', async (req, res) => {
			const session = sessionOfRequest(req);
			reply(res, 'session', { user: session && { name: session.name, email: session.email, organiser: session.organiser } });
		})
	];
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
