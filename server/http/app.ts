/**
 * The request handler of the one HTTP server: the JSON API first, then the built
 * SvelteKit app (adapter-node handler), or a 503 telling how to build it.
 */
import fs from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pathToFileURL } from 'node:url';
import { logContext, pathOnly, type Logger } from '../log.ts';
import type { RouteClass, ServerMetrics } from '../metrics/metrics.ts';
import type { OidcSignIn } from '../auth/oidc.ts';
import { rememberSession, sessionOfCookie } from './signin.ts';
import type { createApi } from './api.ts';
import { handleMetricsRequest } from './metrics-route.ts';
import { requestId } from './request-id.ts';
import { clientIp, requestOrigin } from './request.ts';
import { HttpError, asHttpError, sendError } from './respond.ts';
import type { IpRateLimiter } from '../shared/rate-limit.ts';
import { applySecurityHeaders, isStateChanging, sameOrigin } from './security.ts';

export interface RequestGuards {
	publicOrigin: string | null;
	trustProxy: boolean;
	/** Per-IP limit on /api/ requests. */
	apiLimiter: IpRateLimiter;
	metrics: ServerMetrics;
	/** /metrics on this port for the bearer of this token; not served here when null. */
	metricsToken: string | null;
	/** With OIDC: the session cookie of API and sign-in requests is resolved before routing. */
	signIn: OidcSignIn | null;
}

type NodeHandler = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;

/** Imports the adapter-node handler if the app is built; null otherwise. */
export async function loadAppHandler(handlerPath: string, log: Logger): Promise<NodeHandler | null> {
	if (!fs.existsSync(handlerPath)) {
		log.warn({ handlerPath }, 'SvelteKit build missing: serving API and sync only (run `npm run build`)');
		return null;
	}
	const module = (await import(pathToFileURL(handlerPath).href)) as { handler: NodeHandler };
	return module.handler;
}

function notBuilt(res: ServerResponse, reqId: string): void {
	res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
	res.end(`The web app is not built. Run \`npm run build\`, then restart the server.\nRequest id: ${reqId}\n`);
}

function routeClass(path: string): RouteClass {
	if (path.startsWith('/api/')) return 'api';
	if (path === '/healthz') return 'healthz';
	if (path === '/metrics') return 'metrics';
	return 'app';
}

export function createRequestHandler(api: ReturnType<typeof createApi>, app: NodeHandler | null, log: Logger, guards: RequestGuards) {
	const handle = async (req: IncomingMessage, res: ServerResponse, reqId: string): Promise<void> => {
		const started = performance.now();
		const path = pathOnly(req.url);
		const route = routeClass(path);
		res.on('finish', () => {
			const ms = performance.now() - started;
			guards.metrics.httpRequest(route, req.method ?? 'GET', res.statusCode, ms / 1000);
			log.info({ method: req.method, path, status: res.statusCode, ms: Math.round(ms) }, 'request');
		});
		const isApi = route === 'api';
		const https = (guards.publicOrigin ?? requestOrigin(req, guards.trustProxy)).startsWith('https:');
		applySecurityHeaders(res, isApi || path === '/healthz' ? 'api' : 'app', https);
		try {
			if (isApi) {
				if (isStateChanging(req.method) && !sameOrigin(req, guards.publicOrigin)) {
					log.warn({ method: req.method, path, origin: req.headers.origin }, 'cross-origin request refused');
					throw new HttpError(403, 'Cross-origin request refused');
				}
				if (!guards.apiLimiter.take(clientIp(req, guards.trustProxy))) {
					res.setHeader('Retry-After', String(guards.apiLimiter.retryAfterSeconds));
					throw new HttpError(429, 'Too many requests; try again shortly');
				}
			}
			if (route === 'metrics' && guards.metricsToken) return await handleMetricsRequest(req, res, guards.metrics, guards.metricsToken);
			if (guards.signIn && (isApi || path.startsWith('/auth/'))) rememberSession(req, await sessionOfCookie(guards.signIn, req));
			if (await api(req, res, path)) return;
		} catch (error) {
			const refusal = asHttpError(error);
			if (refusal) {
				// The rest of an oversized body is never read: do not reuse the connection.
				if (refusal.status === 413) res.setHeader('Connection', 'close');
				sendError(res, refusal);
			} else {
				log.error({ err: error, path }, 'request failed');
				sendError(res, new HttpError(500, 'Internal server error'));
			}
			return;
		}
		if (!app) return notBuilt(res, reqId);
		// The static folder's README documents the source tree; it is not part of the app.
		if (path === '/README.md') {
			res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
			res.end(`Not found\nRequest id: ${reqId}\n`);
			return;
		}
		app(req, res, () => {
			res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
			res.end(`Not found\nRequest id: ${reqId}\n`);
		});
	};
	return (req: IncomingMessage, res: ServerResponse): Promise<void> => {
		const reqId = requestId(req, guards.trustProxy);
		res.setHeader('X-Request-Id', reqId);
		return logContext.run({ reqId }, () => handle(req, res, reqId));
	};
}
