/**
 * The request handler of the one HTTP server: the JSON API first, then the built
 * SvelteKit app (adapter-node handler), or a 503 telling how to build it.
 */
import fs from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pathToFileURL } from 'node:url';
import { pathOnly, type Logger } from '../log.ts';
import type { createApi } from './api.ts';
import { clientIp, requestOrigin } from './request.ts';
import { HttpError, sendError } from './respond.ts';
import { type IpRateLimiter, applySecurityHeaders, isStateChanging, sameOrigin } from './security.ts';

export interface RequestGuards {
	publicOrigin: string | null;
	trustProxy: boolean;
	/** Per-IP limit on /api/ requests. */
	apiLimiter: IpRateLimiter;
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

function notBuilt(res: ServerResponse): void {
	res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
	res.end('The web app is not built. Run `npm run build`, then restart the server.\n');
}

export function createRequestHandler(api: ReturnType<typeof createApi>, app: NodeHandler | null, log: Logger, guards: RequestGuards) {
	return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
		const started = performance.now();
		const path = pathOnly(req.url);
		res.on('finish', () =>
			log.info({ method: req.method, path, status: res.statusCode, ms: Math.round(performance.now() - started) }, 'request')
		);
		const isApi = path.startsWith('/api/');
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
			if (await api(req, res, path)) return;
		} catch (error) {
			if (error instanceof HttpError) {
				// The rest of an oversized body is never read: do not reuse the connection.
				if (error.status === 413) res.setHeader('Connection', 'close');
				sendError(res, error);
			} else {
				log.error({ err: error, path }, 'request failed');
				sendError(res, new HttpError(500, 'Internal server error'));
			}
			return;
		}
		if (!app) return notBuilt(res);
		// The static folder's README documents the source tree; it is not part of the app.
		if (path === '/README.md') {
			res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
			res.end('Not found\n');
			return;
		}
		app(req, res, () => {
			res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
			res.end('Not found\n');
		});
	};
}
