/**
 * What a service answers when it refuses: a kind the HTTP layer turns into a status
 * (server/http/respond.ts) and a clear message for the caller. Services (minutes, groups,
 * invitations) throw these and never know about HTTP.
 */
export type DomainErrorKind =
	/** The input is malformed or names something that is not there. */
	| 'invalid'
	/** No valid token for this meeting or group. */
	| 'unauthorized'
	/** The token is valid but its role may not do this. */
	| 'forbidden'
	| 'not-found'
	/** The request is well-formed but the state forbids it now (already approved, not ready, …). */
	| 'conflict'
	/** The instance holds all it may. */
	| 'full';

export class DomainError extends Error {
	readonly kind: DomainErrorKind;
	constructor(kind: DomainErrorKind, message: string) {
		super(message);
		this.name = 'DomainError';
		this.kind = kind;
	}
}
