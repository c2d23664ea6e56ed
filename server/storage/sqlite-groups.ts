/**
 * The groups part on SQLite (tables: migration 3), on the connection of the other parts,
 * so a group and its document row, or a meeting, its link and its first update, commit together.
 */
import type Database from 'better-sqlite3';
import type { GroupMeetingRecord, GroupRecord, GroupStore, NewGroupMeeting } from './group-types.ts';
import { type GroupMeetingRow, type GroupRow, toGroup, toGroupMeeting } from './rows.ts';

function isUniqueViolation(error: unknown): boolean {
	const code = (error as { code?: unknown }).code;
	return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

export class SqliteGroups implements GroupStore {
	readonly #db: () => Database.Database;

	constructor(db: () => Database.Database) {
		this.#db = db;
	}

	async createGroup(group: { id: string; name: string }, initialUpdate: Uint8Array): Promise<GroupRecord> {
		const db = this.#db();
		const createdAt = new Date().toISOString();
		db.transaction(() => {
			db.prepare('INSERT INTO meetings (id, title, created_at) VALUES (?, ?, ?)').run(group.id, group.name, createdAt);
			db.prepare('INSERT INTO groups (id, name, created_at) VALUES (?, ?, ?)').run(group.id, group.name, createdAt);
			db.prepare('INSERT INTO updates (meeting_id, data) VALUES (?, ?)').run(group.id, Buffer.from(initialUpdate));
		}).immediate();
		return { id: group.id, name: group.name, createdAt, deletedAt: null };
	}

	async getGroup(id: string): Promise<GroupRecord | null> {
		const row = this.#db().prepare('SELECT * FROM groups WHERE id = ?').get(id) as GroupRow | undefined;
		return row ? toGroup(row) : null;
	}

	async createGroupMeeting(meeting: NewGroupMeeting): Promise<{ meeting: GroupMeetingRecord; created: boolean }> {
		const db = this.#db();
		const existing = () =>
			db.prepare('SELECT * FROM group_meetings WHERE group_id = ? AND sequence = ?').get(meeting.groupId, meeting.sequence) as
				| GroupMeetingRow
				| undefined;
		const createdAt = new Date().toISOString();
		try {
			// IMMEDIATE: the check and the inserts hold the write lock together, so a second
			// process sees either nothing or the whole meeting.
			const result = db
				.transaction(() => {
					const found = existing();
					if (found) return { meeting: toGroupMeeting(found), created: false };
					db.prepare('INSERT INTO meetings (id, title, created_at) VALUES (?, ?, ?)').run(meeting.meetingId, meeting.title, createdAt);
					db.prepare(
						'INSERT INTO group_meetings (meeting_id, group_id, sequence, title, date, created_at) VALUES (?, ?, ?, ?, ?, ?)'
					).run(meeting.meetingId, meeting.groupId, meeting.sequence, meeting.title, meeting.date, createdAt);
					db.prepare('INSERT INTO updates (meeting_id, data) VALUES (?, ?)').run(meeting.meetingId, Buffer.from(meeting.initialUpdate));
					return null;
				})
				.immediate();
			if (result) return result;
		} catch (error) {
			const found = isUniqueViolation(error) ? existing() : undefined;
			if (found) return { meeting: toGroupMeeting(found), created: false };
			throw error;
		}
		return {
			meeting: {
				groupId: meeting.groupId,
				meetingId: meeting.meetingId,
				sequence: meeting.sequence,
				title: meeting.title,
				date: meeting.date,
				createdAt
			},
			created: true
		};
	}

	async listGroupMeetings(groupId: string): Promise<GroupMeetingRecord[]> {
		const rows = this.#db().prepare('SELECT * FROM group_meetings WHERE group_id = ? ORDER BY sequence').all(groupId) as GroupMeetingRow[];
		return rows.map(toGroupMeeting);
	}

	async findMeetingGroup(meetingId: string): Promise<GroupMeetingRecord | null> {
		const row = this.#db().prepare('SELECT * FROM group_meetings WHERE meeting_id = ?').get(meetingId) as GroupMeetingRow | undefined;
		return row ? toGroupMeeting(row) : null;
	}
}
