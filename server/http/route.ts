/**
 * One API route: a method, a path pattern whose groups are the params, and a handler that
 * answers (sendJson) or throws (HttpError, DomainError). server/http/api.ts matches the
 * table in order. Routes of the contract (src/lib/protocol/api.ts) are made with `route`,
 * which takes method and path from there; `readBody` validates a body with the route's
 * schema and `reply` only accepts the route's answer type.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as v from 'valibot';
import { ROUTES, issueMessage, type Reply, type RouteName, type ValidBody } from '../../src/lib/protocol/api.ts';
import { readJson } from './body.ts';
import { HttpError, sendJson } from './respond.ts';

export interface Route {
	method: string;
	pattern: RegExp;
	handle(req: IncomingMessage, res: ServerResponse, params: string[]): Promise<void>;
}

/** `/api/meetings/:id` → /^\/api\/meetings\/([^/]+)$/ (params in the order they appear). */
function patternOf(path: string): RegExp {
	return new RegExp(`^${path.replace(/\//g, '\\/').replace(/:[A-Za-z]+/g, '([^/]+)')}$`);
}

export function route(name: RouteName, handle: Route['handle']): Route {
	return { method: ROUTES[name].method, pattern: patternOf(ROUTES[name].path), handle };
}

/** Reads the JSON body and validates it with the route's schema: 400 with the first problem found. */
export async function readBody<R extends RouteName>(req: IncomingMessage, name: R, limit: number): Promise<ValidBody<R>> {
	const schema = (ROUTES[name] as { body?: v.GenericSchema }).body;
	if (!schema) throw new Error(`route ${name} takes no body`);
	const body = await readJson(req, limit);
	// Every body is a JSON object (valibot would take an array for one).
	if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new HttpError(400, 'Body must be a JSON object');
	const result = v.safeParse(schema, body);
	if (!result.success) throw new HttpError(400, issueMessage(result.issues));
	return result.output as ValidBody<R>;
}

/** Sends the route's answer (typed by the contract). */
export function reply<R extends RouteName>(res: ServerResponse, _name: R, body: Reply<R>, status = 200, headers: Record<string, string> = {}): void {
	sendJson(res, status, body, headers);
}
