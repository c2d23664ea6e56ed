/**
 * What a failed call to the server means for the person who made it, in the interface's
 * language: what happened and what to do. The server's own message (English, for logs and
 * developers) is never shown as is.
 */
import { m } from '$lib/paraglide/messages.js';

/** The HTTP status of a failed call, or null when no answer came (offline, server down). */
export function failureText(status: number | null): string {
	if (status === null) return m.error_unreachable();
	if (status === 401) return m.error_unauthorised();
	if (status === 403) return m.error_forbidden();
	if (status === 404) return m.error_not_found();
	if (status === 409) return m.error_conflict();
	if (status === 413 || status === 400) return m.error_bad_request();
	if (status === 429) return m.error_rate_limited();
	return m.error_server({ status: String(status) });
}

/** The text for an error thrown by fetch (no answer) or carrying a `status` (an ApiError). */
export function errorText(error: unknown): string {
	const status = typeof error === 'object' && error !== null && 'status' in error && typeof error.status === 'number' ? error.status : null;
	return failureText(status);
}
