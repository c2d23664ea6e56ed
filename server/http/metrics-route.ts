/**
 * GET /metrics in the Prometheus text format: on a port of its own (METRICS_PORT, for a
 * scraper inside the network; no token) or on the main port to
 * `Authorization: Bearer <METRICS_TOKEN>`. With neither set, /metrics is not served.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { ServerMetrics } from '../metrics/metrics.ts';
import { bearer } from './request.ts';
import { HttpError, sendError } from './respond.ts';
import { secretMatches } from './secret.ts';

export async function sendMetrics(res: ServerResponse, metrics: Pick<ServerMetrics, 'render'>): Promise<void> {
	const { contentType, body } = await metrics.render();
	res.writeHead(200, { 'Content-Type': contentType, 'Cache-Control': 'no-store' });
	res.end(body);
}

/** The main port's /metrics: answers only the bearer of the metrics token. */
export async function handleMetricsRequest(req: IncomingMessage, res: ServerResponse, metrics: ServerMetrics, token: string): Promise<void> {
	if (req.method !== 'GET' && req.method !== 'HEAD') {
		res.setHeader('Allow', 'GET, HEAD');
		throw new HttpError(405, `Method ${req.method} not allowed`);
	}
	if (!secretMatches(bearer(req), token)) {
		res.setHeader('WWW-Authenticate', 'Bearer');
		throw new HttpError(401, 'Metrics need the metrics token (Authorization: Bearer <METRICS_TOKEN>)');
	}
	await sendMetrics(res, metrics);
}

/** A server of its own that answers GET /metrics and nothing else. */
export function createMetricsServer(metrics: Pick<ServerMetrics, 'render'>): http.Server {
	return http.createServer((req, res) => {
		const path = (req.url ?? '/').split('?')[0];
		if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) {
			sendError(res, new HttpError(404, 'Only GET /metrics is served on this port'));
			return;
		}
		sendMetrics(res, metrics).catch(() => sendError(res, new HttpError(500, 'Collecting the metrics failed')));
	});
}
