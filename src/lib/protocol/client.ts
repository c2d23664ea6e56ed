/**
 * The one way the browser calls the HTTP API: `callApi(route, { params, body, token })`,
 * typed by the contract in api.ts (path, method, body and answer come from ROUTES and
 * Replies). A refusal throws an ApiError with the status and the server's message; no
 * answer at all (offline, server down) throws what fetch threw.
 */
import { ROUTES, pathOf, type Params, type Reply, type RequestBody, type RouteName } from './api.ts';

export class ApiError extends Error {
	constructor(
		readonly status: number,
		message: string
	) {
		super(message);
		this.name = 'ApiError';
	}
}

type ParamsOption<R extends RouteName> = keyof Params<R> extends never ? { params?: undefined } : { params: Params<R> };
type BodyOption<R extends RouteName> = RequestBody<R> extends undefined ? { body?: undefined } : { body: RequestBody<R> };

export type CallOptions<R extends RouteName> = ParamsOption<R> &
	BodyOption<R> & {
		/** The meeting's or group's token, or the organiser secret (sent as a bearer token); without it a signed-in user's session cookie speaks. */
		token?: string | null;
		/** Query string parameters (e.g. the search's `q`). */
		query?: Record<string, string>;
		signal?: AbortSignal;
	};

export interface ApiClientOptions {
	/** Prefix for the paths ('' in the browser: same origin). */
	origin?: string;
	fetch?: typeof fetch;
}

export function createApiClient(options: ApiClientOptions = {}) {
	const origin = options.origin ?? '';
	return async function callApi<R extends RouteName>(route: R, call: CallOptions<R>): Promise<Reply<R>> {
		const spec = ROUTES[route];
		const query = call.query ? `?${new URLSearchParams(call.query)}` : '';
		const headers: Record<string, string> = {};
		if (call.token) headers.authorization = `Bearer ${call.token}`;
		if (call.body !== undefined) headers['content-type'] = 'application/json';
		// Looked up per call, so a page or test that replaces fetch is honoured.
		const fetchImpl = options.fetch ?? globalThis.fetch;
		const response = await fetchImpl(`${origin}${pathOf(route, (call.params ?? {}) as Params<R>)}${query}`, {
			method: spec.method,
			headers,
			body: call.body === undefined ? undefined : JSON.stringify(call.body),
			cache: 'no-store',
			// The session cookie of a signed-in user (OIDC) speaks where no token is given; never sent to another origin.
			credentials: 'same-origin',
			signal: call.signal
		});
		if (response.status === 204) return undefined as Reply<R>;
		if (!response.ok) {
			const refusal = (await response.json().catch(() => null)) as { error?: string } | null;
			throw new ApiError(response.status, refusal?.error ?? response.statusText);
		}
		return (await response.json()) as Reply<R>;
	};
}

/** The same-origin client pages and components use. */
export const callApi = createApiClient();
