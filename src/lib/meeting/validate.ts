/**
 * Input checks. Every operation validates before it writes, because a Yjs transaction
 * cannot be rolled back: a throw half way would leave half an edit on every replica.
 */
import { invalid } from './errors.js';
import type { ParkingDestination, PersonRef, TimeInput } from './types.js';

export const LIMITS = {
	name: 200,
	title: 500,
	shortText: 2_000,
	longText: 100_000,
	list: 200
} as const;

export function requiredText(value: unknown, field: string, max: number = LIMITS.title): string {
	if (typeof value !== 'string') throw invalid(field, 'must be a string');
	const trimmed = value.trim();
	if (trimmed.length === 0) throw invalid(field, 'must not be empty');
	if (trimmed.length > max) throw invalid(field, `must be at most ${max} characters`);
	return trimmed;
}

/** Optional text: undefined stays undefined (no change), null or blank clears. */
export function optionalText(value: unknown, field: string, max: number = LIMITS.shortText): string | null | undefined {
	if (value === undefined) return undefined;
	if (value === null) return null;
	if (typeof value !== 'string') throw invalid(field, 'must be a string or null');
	const trimmed = value.trim();
	if (trimmed.length > max) throw invalid(field, `must be at most ${max} characters`);
	return trimmed.length === 0 ? null : trimmed;
}

/** Free text whose whitespace matters (notes): only type and length are checked. */
export function rawText(value: unknown, field: string, max: number = LIMITS.longText): string {
	if (typeof value !== 'string') throw invalid(field, 'must be a string');
	if (value.length > max) throw invalid(field, `must be at most ${max} characters`);
	return value;
}

export function oneOf<T extends string>(value: unknown, allowed: readonly T[], field: string): T {
	if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
		throw invalid(field, `must be one of ${allowed.join(', ')}`);
	}
	return value as T;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isIsoDate(value: string): boolean {
	const match = DATE.exec(value);
	if (!match) return false;
	const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
	const probe = new Date(Date.UTC(y, m - 1, d));
	return probe.getUTCFullYear() === y && probe.getUTCMonth() === m - 1 && probe.getUTCDate() === d;
}

export function optionalDate(value: unknown, field: string): string | null | undefined {
	if (value === undefined || value === null) return value;
	if (typeof value !== 'string' || !isIsoDate(value)) throw invalid(field, 'must be a date YYYY-MM-DD');
	return value;
}

const TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;

export function optionalTime(value: unknown, field: string): string | null | undefined {
	if (value === undefined || value === null) return value;
	if (typeof value !== 'string' || !TIME.test(value)) throw invalid(field, 'must be a time HH:MM');
	return value;
}

export function optionalMinutes(value: unknown, field: string): number | null | undefined {
	if (value === undefined || value === null) return value;
	if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 24 * 60) {
		throw invalid(field, 'must be a whole number of minutes between 0 and 1440');
	}
	return value;
}

export function url(value: unknown, field: string): string {
	const text = requiredText(value, field, LIMITS.shortText);
	let parsed: URL;
	try {
		parsed = new URL(text);
	} catch {
		throw invalid(field, 'must be an absolute URL');
	}
	if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
		throw invalid(field, 'must be an http or https URL');
	}
	return text;
}

export function index(value: unknown, field: string): number | undefined {
	if (value === undefined) return undefined;
	if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
		throw invalid(field, 'must be a non-negative whole number');
	}
	return value;
}

/** The `now` option as an ISO 8601 UTC string. */
export function timestamp(value: TimeInput | undefined, field = 'now'): string {
	if (value === undefined) return new Date().toISOString();
	const date = value instanceof Date ? value : typeof value === 'string' ? new Date(value) : null;
	if (!date || Number.isNaN(date.getTime())) throw invalid(field, 'must be a Date or an ISO 8601 time');
	return date.toISOString();
}

export function personRef(value: unknown, field: string): PersonRef {
	if (typeof value !== 'object' || value === null) throw invalid(field, 'must be { participantId } or { name }');
	const record = value as Record<string, unknown>;
	if ('participantId' in record && record.participantId !== undefined) {
		return { participantId: requiredText(record.participantId, `${field}.participantId`, LIMITS.name) };
	}
	return { name: requiredText(record.name, `${field}.name`, LIMITS.title) };
}

export function personRefs(value: unknown, field: string): PersonRef[] {
	if (!Array.isArray(value)) throw invalid(field, 'must be a list');
	if (value.length > LIMITS.list) throw invalid(field, `must have at most ${LIMITS.list} entries`);
	return value.map((entry, i) => personRef(entry, `${field}[${i}]`));
}

export function destination(value: unknown, field: string): ParkingDestination {
	if (typeof value !== 'object' || value === null) throw invalid(field, 'must be a destination object');
	const record = value as Record<string, unknown>;
	switch (record.kind) {
		case 'next_meeting':
			return { kind: 'next_meeting' };
		case 'unspecified':
			return { kind: 'unspecified' };
		case 'extra_meeting': {
			const date = optionalDate(record.date, `${field}.date`) ?? null;
			const time = optionalTime(record.time, `${field}.time`) ?? null;
			if (time && !date) throw invalid(`${field}.time`, 'needs a date');
			return time ? { kind: 'extra_meeting', date, time } : { kind: 'extra_meeting', date };
		}
		case 'date': {
			const date = optionalDate(record.date, `${field}.date`);
			if (!date) throw invalid(`${field}.date`, 'is required for a date destination');
			const time = optionalTime(record.time, `${field}.time`) ?? null;
			return time ? { kind: 'date', date, time } : { kind: 'date', date };
		}
		default:
			throw invalid(`${field}.kind`, 'must be one of next_meeting, extra_meeting, date, unspecified');
	}
}
