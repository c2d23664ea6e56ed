/**
 * Structured JSON logs (pino). Tokens must never reach a log line: they travel in the
 * Authorization header (redacted here) and in the query string of /sync URLs (callers
 * log `pathOnly(url)`, never the raw URL).
 */
import { pino, type Logger } from 'pino';
import type { LogLevel } from './config.ts';

export type { Logger };

export function createLogger(level: LogLevel): Logger {
	return pino({
		level,
		base: { service: 'motesrum' },
		redact: {
			paths: ['token', '*.token', 'authorization', '*.authorization', 'headers.authorization', '*.headers.authorization'],
			censor: '[redacted]'
		}
	});
}

/** The path of a request URL without its query string (which may hold a token). */
export function pathOnly(url: string | undefined): string {
	if (!url) return '/';
	const query = url.indexOf('?');
	return query === -1 ? url : url.slice(0, query);
}
