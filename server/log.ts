/**
 * Structured JSON logs (pino). Tokens must never reach a log line: they travel in the
 * Authorization header (redacted here) and in the query string of /sync URLs (callers
 * log `pathOnly(url)`, never the raw URL).
 *
 * Every line written while a request is handled carries its id (`reqId`), also lines
 * from code that never sees the request: the HTTP layer runs each request inside
 * `logContext.run({ reqId }, …)` and the logger's mixin reads it back.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import type { LogLevel } from './config.ts';

export type { Logger };

export const logContext = new AsyncLocalStorage<{ reqId: string }>();

/** Logs to stdout, or to `destination` (tests read the lines back). */
export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
	const options: LoggerOptions = {
		level,
		base: { service: 'motesrum' },
		mixin: () => logContext.getStore() ?? {},
		redact: {
			paths: ['token', '*.token', 'authorization', '*.authorization', 'headers.authorization', '*.headers.authorization'],
			censor: '[redacted]'
		}
	};
	return destination ? pino(options, destination) : pino(options);
}

/** The path of a request URL without its query string (which may hold a token). */
export function pathOnly(url: string | undefined): string {
	if (!url) return '/';
	const query = url.indexOf('?');
	return query === -1 ? url : url.slice(0, query);
}
