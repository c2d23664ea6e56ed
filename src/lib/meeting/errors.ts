/** Every refusal of the meeting model carries one of these codes, so callers can branch without parsing messages. */
export type MeetingErrorCode =
	| 'INVALID_INPUT'
	| 'NOT_FOUND'
	| 'INVALID_STATE'
	| 'NOT_INITIALISED'
	| 'ALREADY_INITIALISED'
	| 'UNSUPPORTED_SCHEMA';

export class MeetingError extends Error {
	readonly code: MeetingErrorCode;
	/** The input field or entity the error is about, when there is one. */
	readonly field: string | null;

	constructor(code: MeetingErrorCode, message: string, field: string | null = null) {
		super(message);
		this.name = 'MeetingError';
		this.code = code;
		this.field = field;
	}
}

export function invalid(field: string, message: string): MeetingError {
	return new MeetingError('INVALID_INPUT', `${field}: ${message}`, field);
}

export function notFound(what: string, id: string): MeetingError {
	return new MeetingError('NOT_FOUND', `${what} ${id} does not exist`, what);
}

export function invalidState(message: string): MeetingError {
	return new MeetingError('INVALID_STATE', message);
}
