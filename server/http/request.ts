/**
 * What the server reads from a request about its sender: the bearer token, the
 * origin it was addressed to, the client's IP. Shared by the API and the sync upgrade.
 */
import type { IncomingMessage } from 'node:http';

export function bearer(req: IncomingMessage): string | null {
	const header = req.headers.authorization ?? '';
	const match = /^Bearer\s+(\S+)$/i.exec(header);
	return match ? match[1] : null;
}

function lastForwarded(value: string | string[] | undefined): string | null {
	const joined = Array.isArray(value) ? value.join(',') : value;
	if (!joined) return null;
	const parts = joined.split(',').map((part) => part.trim()).filter(Boolean);
	return parts.length > 0 ? parts[parts.length - 1] : null;
}

/** The origin the request was sent to, from the Host header (and X-Forwarded-Proto behind a trusted proxy). */
export function requestOrigin(req: IncomingMessage, trustProxy = false): string {
	const encrypted = 'encrypted' in req.socket && Boolean(req.socket.encrypted);
	const forwarded = trustProxy ? lastForwarded(req.headers['x-forwarded-proto']) : null;
	const scheme = forwarded === 'https' || forwarded === 'http' ? forwarded : encrypted ? 'https' : 'http';
	return `${scheme}://${req.headers.host ?? 'localhost'}`;
}

/**
 * The client's IP: the socket's peer, or behind a trusted proxy the last X-Forwarded-For
 * entry (the one the proxy itself added; earlier entries are the client's to forge).
 */
export function clientIp(req: IncomingMessage, trustProxy = false): string {
	const forwarded = trustProxy ? lastForwarded(req.headers['x-forwarded-for']) : null;
	return forwarded ?? req.socket.remoteAddress ?? 'unknown';
}
