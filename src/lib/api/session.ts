/** Sign-in (OIDC) from the browser: who is signed in, and the server's sign-in addresses. */
import type { SignedInUser } from '$lib/protocol/api';
import { callApi } from '$lib/protocol/client';

export type { SignedInUser };

/** The signed-in user, or null (not signed in, no sign-in on this instance, or offline). */
export async function currentUser(): Promise<SignedInUser | null> {
	try {
		return (await callApi('session', {})).user;
	} catch {
		return null;
	}
}

/**
 * Ends the session on the server (its open meeting connections close too). Not through
 * callApi: the answer is a redirect to the start page, not JSON. A fetch rather than a form: pages send `Referrer-Policy: no-referrer`, under which a form's POST carries
 * `Origin: null`, which the same-origin rule refuses.
 */
export async function signOut(): Promise<void> {
	const response = await fetch('/auth/logout', { method: 'POST', redirect: 'manual' });
	if (response.type !== 'opaqueredirect' && !response.ok) throw new Error(response.statusText);
}

/** The server's sign-in address, returning to `path` afterwards (a full page navigation: it leaves for the provider). */
export function signInHref(path: string): string {
	return `/auth/login?returnTo=${encodeURIComponent(path)}`;
}

/** Where a finished or failed sign-in leaves a note for the start page (`/?signin=…`). */
export type SignInProblem = 'failed' | 'expired' | 'unavailable';

export function signInProblem(search: string): SignInProblem | null {
	const value = new URLSearchParams(search).get('signin');
	return value === 'failed' || value === 'expired' || value === 'unavailable' ? value : null;
}
