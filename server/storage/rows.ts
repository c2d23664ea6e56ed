/**
 * The rows of the parts whose tables both engines share, and how each becomes a record. The
 * engines hand back the same columns in different types — SQLite timestamps as ISO text,
 * booleans as 0/1, integers as numbers; PostgreSQL `timestamptz` as Date, BIGINT as a string —
 * so the row types admit both and the mappers normalise, once for both engines.
 */
import type { GroupMeetingRecord, GroupRecord } from './group-types.ts';
import type { LoginAttempt, SessionRecord } from './session-types.ts';
import type { ApprovalRecord, NoticeRecord } from './types.ts';

/** A timestamp column: ISO text (SQLite) or a Date (PostgreSQL). */
type Stamp = string | Date;
/** An integer column: a number (SQLite) or a BIGINT's string (PostgreSQL). */
type BigInteger = number | string;

export function iso(stamp: Stamp): string {
	return typeof stamp === 'string' ? stamp : stamp.toISOString();
}

export interface SessionRow {
	id: string;
	subject: string;
	email: string | null;
	name: string;
	organiser: boolean | number;
	created_at: BigInteger;
	expires_at: BigInteger;
}

export function toSession(row: SessionRow): SessionRecord {
	return {
		id: row.id,
		subject: row.subject,
		email: row.email,
		name: row.name,
		organiser: row.organiser === true || row.organiser === 1,
		createdAt: Number(row.created_at),
		expiresAt: Number(row.expires_at)
	};
}

export interface LoginRow {
	state: string;
	nonce: string;
	code_verifier: string;
	return_to: string;
	expires_at: BigInteger;
}

export function toLogin(row: LoginRow): LoginAttempt {
	return { state: row.state, nonce: row.nonce, codeVerifier: row.code_verifier, returnTo: row.return_to, expiresAt: Number(row.expires_at) };
}

export interface ApprovalRow {
	meeting_id: string;
	action: 'ready' | 'approve';
	/** '' for an approval without a participant (the column is part of the key). */
	participant_id: string;
	role: string;
	name: string;
	at: Stamp;
}

export function toApproval(row: ApprovalRow): ApprovalRecord {
	return {
		meetingId: row.meeting_id,
		action: row.action,
		participantId: row.participant_id === '' ? null : row.participant_id,
		role: row.role,
		name: row.name,
		at: iso(row.at)
	};
}

export interface GroupRow {
	id: string;
	name: string;
	created_at: Stamp;
	deleted_at: Stamp | null;
}

export function toGroup(row: GroupRow): GroupRecord {
	return { id: row.id, name: row.name, createdAt: iso(row.created_at), deletedAt: row.deleted_at === null ? null : iso(row.deleted_at) };
}

export interface GroupMeetingRow {
	meeting_id: string;
	group_id: string;
	sequence: number;
	title: string;
	date: string | null;
	created_at: Stamp;
}

export function toGroupMeeting(row: GroupMeetingRow): GroupMeetingRecord {
	return {
		groupId: row.group_id,
		meetingId: row.meeting_id,
		sequence: row.sequence,
		title: row.title,
		date: row.date,
		createdAt: iso(row.created_at)
	};
}

export interface NoticeRow {
	meeting_id: string;
	/** Dates as text on both engines (a DATE read into a Date would shift with the time zone). */
	posted_on: string;
	take_down_on: string;
	kept_at: string;
	recorded_by: string;
	recorded_at: Stamp;
}

export function toNotice(row: NoticeRow): NoticeRecord {
	return {
		meetingId: row.meeting_id,
		postedOn: row.posted_on,
		takeDownOn: row.take_down_on,
		keptAt: row.kept_at,
		recordedBy: row.recorded_by,
		recordedAt: iso(row.recorded_at)
	};
}
