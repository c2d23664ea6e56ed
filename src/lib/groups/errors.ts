/** Refusals of the group model, with a code callers can branch on (same shape as MeetingError). */
export type GroupErrorCode = 'INVALID_INPUT' | 'NOT_FOUND' | 'NOT_INITIALISED' | 'ALREADY_INITIALISED' | 'UNSUPPORTED_SCHEMA';

export class GroupError extends Error {
	readonly code: GroupErrorCode;
	readonly field: string | null;

	constructor(code: GroupErrorCode, message: string, field: string | null = null) {
		super(message);
		this.name = 'GroupError';
		this.code = code;
		this.field = field;
	}
}

export function invalid(field: string, message: string): GroupError {
	return new GroupError('INVALID_INPUT', `${field}: ${message}`, field);
}

export function notFound(what: string, id: string): GroupError {
	return new GroupError('NOT_FOUND', `${what} ${id} does not exist`, what);
}
