/**
 * HTTP hardening shared by the API, the app and the sync upgrade: security headers and
 * the same-origin rule for state-changing requests (per-IP limits: server/shared/rate-limit.ts).
 * What and why: docs/security.md.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Set on every response. The page CSP itself comes from SvelteKit (svelte.config.js,
 * with hashes or nonces for its inline bootstrap); this header adds what a <meta> CSP
 * cannot say, for the prerendered pages kit serves as static files.
 */
export const BASE_HEADERS: Readonly<Record<string, string>> = {
	'X-Content-Type-Options': 'nosniff',
	'Referrer-Policy': 'no-referrer',
	'X-Frame-Options': 'DENY',
	'Permissions-Policy':
		'accelerometer=(), autoplay=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), midi=(), payment=(), usb=(), interest-cohort=()',
	'Cross-Origin-Opener-Policy': 'same-origin',
	'Cross-Origin-Resource-Policy': 'same-origin'
};

/** For responses that carry no CSP of their own (API answers, static files, prerendered pages). */
export const FALLBACK_CSP = "frame-ancestors 'none'; base-uri 'self'; object-src 'none'; form-action 'self'";

const API_CSP = "default-src 'none'; frame-ancestors 'none'";

export const HSTS = 'max-age=31536000; includeSubDomains';

/**
 * Adds the headers to `res`. For app responses, a CSP header set later by SvelteKit
 * wins over the fallback (kit's carries the script hashes); any other response gets the fallback.
 */
export function applySecurityHeaders(res: ServerResponse, kind: 'api' | 'app', https: boolean): void {
	for (const [name, value] of Object.entries(BASE_HEADERS)) res.setHeader(name, value);
	if (https) res.setHeader('Strict-Transport-Security', HSTS);
	res.setHeader('Content-Security-Policy', kind === 'api' ? API_CSP : FALLBACK_CSP);
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function isStateChanging(method: string | undefined): boolean {
	return !SAFE_METHODS.has(method ?? 'GET');
}

/**
 * Whether a request may come from where it says it comes from. A browser always sends
 * Origin on a cross-origin POST/DELETE and on websocket upgrades, so a present Origin
 * must be ours: PUBLIC_ORIGIN when set, else the Host the request was sent to (compared
 * by host, so a TLS-terminating proxy in front does not matter). A request without
 * Origin is not from a browser page (curl, the Node client), where CSRF does not apply;
 * `Sec-Fetch-Site: cross-site` is refused as well.
 */
export function sameOrigin(req: IncomingMessage, publicOrigin: string | null): boolean {
	if (req.headers['sec-fetch-site'] === 'cross-site') return false;
	const origin = req.headers.origin;
	if (origin === undefined) return true;
	const parsed = URL.parse(origin);
	if (!parsed) return false;
	if (publicOrigin) return parsed.origin === publicOrigin;
	return parsed.host === req.headers.host;
}
