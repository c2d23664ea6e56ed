/**
 * The sessions part: sign-in sessions (OpenID Connect, server/auth/oidc.ts), kept on the
 * server: the browser holds only a random cookie value, the store only its SHA-256 hash, so
 * a leaked database opens no session. Two kinds of rows: a login in progress (PKCE
 * verifier, state, nonce; used once) and a signed-in session (tables: migration 8).
 * Engines: sqlite-sessions.ts, postgres-sessions.ts; one contract suite for both
 * (tests/integration/storage-contract-sessions.ts).
 */

/** Who signed in, as the identity provider said at sign-in. */
export interface SignedInUser {
	/** `iss` + `sub`: stable for the person at this provider. */
	subject: string;
	/** Lower-cased; null when the provider gave none or said it is not verified. */
	email: string | null;
	name: string;
	/** Member of OIDC_ORGANISER_GROUP (or every signed-in user when none is set): may create meetings and groups. */
	organiser: boolean;
}

export interface SessionRecord extends SignedInUser {
	/** Not secret: names the session in logs and in the connections opened with it. */
	id: string;
	createdAt: number;
	/** Milliseconds since the epoch. */
	expiresAt: number;
}

export interface LoginAttempt {
	state: string;
	nonce: string;
	codeVerifier: string;
	/** A path on this server to return to after signing in. */
	returnTo: string;
	expiresAt: number;
}

export interface SessionStore {
	createSession(hash: string, session: SessionRecord): Promise<void>;
	/** The session if it exists and has not expired at `now`. */
	getSession(hash: string, now: number): Promise<SessionRecord | null>;
	/** Ends the session; returns it (null if there was none). */
	deleteSession(hash: string): Promise<SessionRecord | null>;
	saveLogin(hash: string, attempt: LoginAttempt): Promise<void>;
	/** Returns the attempt and deletes it in one step: a callback can use it once. */
	takeLogin(hash: string, now: number): Promise<LoginAttempt | null>;
	/** Which of these session ids still name a session that has not expired at `now`. */
	liveSessionIds(ids: readonly string[], now: number): Promise<Set<string>>;
	/** Deletes expired sessions and logins; returns how many. */
	purgeExpired(now: number): Promise<number>;
}
