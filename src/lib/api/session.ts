/** Sign-in (OIDC) from the browser: who is signed in, and the server's sign-in addresses. */

export interface SignedInUser {
	name: string;
	email: string | null;
	/** May create meetings and groups. */
	organiser: boolean;
}

/** The signed-in user, or null (not signed in, no sign-in on this instance, or offline). */
export async function currentUser(): Promise<SignedInUser | null> {
	try {
		const response = await fetch('/api/session', { cache: 'no-store' });
		if (!response.ok) return null;
		return ((await response.json()) as { user: SignedInUser | null }).user;
	} catch {
		return null;
	}
}

/**
 * Ends the session on the server (its open meeting connections close too). A fetch rather
 * than a form: pages send `Referrer-Policy: no-referrer`, under which a form's POST carries
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
