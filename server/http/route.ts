/**
 * One API route: a method, a path pattern whose groups are the params, and a handler that
 * answers (sendJson) or throws (HttpError, DomainError). server/http/api.ts matches the
 * table in order.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface Route {
	method: string;
	pattern: RegExp;
	handle(req: IncomingMessage, res: ServerResponse, params: string[]): Promise<void>;
}
