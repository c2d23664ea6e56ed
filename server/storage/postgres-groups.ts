/**
 * The groups part on PostgreSQL (tables: migration 3). Same semantics as
 * sqlite-groups.ts, checked by the shared group contract.
 *
 * "Create the next meeting" from several instances at once: each request inserts its
 * meeting row, its (group, sequence) row and its first update in one transaction. The
 * UNIQUE (group_id, sequence) index makes every request but the first wait for the
 * first to commit and then fail with a unique violation; its transaction rolls back
 * whole (no orphan meeting row or update), and it answers with the first one's meeting.
 */
import type pg from 'pg';
import type { GroupMeetingRecord, GroupRecord, GroupStore, NewGroupMeeting } from './group-types.ts';
import { type GroupMeetingRow, type GroupRow, toGroup, toGroupMeeting } from './rows.ts';
import { buffer, isUniqueViolation, transaction } from './postgres-common.ts';

export class PostgresGroups implements GroupStore {
	readonly #db: () => pg.Pool;

	constructor(db: () => pg.Pool) {
		this.#db = db;
	}

	async createGroup(group: { id: string; name: string }, initialUpdate: Uint8Array): Promise<GroupRecord> {
		const createdAt = new Date();
		await transaction(this.#db(), async (client) => {
			await client.query('INSERT INTO meetings (id, title, created_at) VALUES ($1, $2, $3)', [group.id, group.name, createdAt]);
			await client.query('INSERT INTO groups (id, name, created_at) VALUES ($1, $2, $3)', [group.id, group.name, createdAt]);
			await client.query('INSERT INTO updates (meeting_id, data) VALUES ($1, $2)', [group.id, buffer(initialUpdate)]);
		});
		return { id: group.id, name: group.name, createdAt: createdAt.toISOString(), deletedAt: null };
	}

	async getGroup(id: string): Promise<GroupRecord | null> {
		const { rows } = await this.#db().query<GroupRow>('SELECT * FROM groups WHERE id = $1', [id]);
		if (rows.length === 0) return null;
		const row = rows[0];
		return toGroup(row);
	}

	async createGroupMeeting(meeting: NewGroupMeeting): Promise<{ meeting: GroupMeetingRecord; created: boolean }> {
		const existing = async () => {
			const { rows } = await this.#db().query<GroupMeetingRow>('SELECT * FROM group_meetings WHERE group_id = $1 AND sequence = $2', [
				meeting.groupId,
				meeting.sequence
			]);
			return rows.length > 0 ? toGroupMeeting(rows[0]) : null;
		};
		const before = await existing();
		if (before) return { meeting: before, created: false };
		const createdAt = new Date();
		try {
			await transaction(this.#db(), async (client) => {
				await client.query('INSERT INTO meetings (id, title, created_at) VALUES ($1, $2, $3)', [meeting.meetingId, meeting.title, createdAt]);
				await client.query(
					'INSERT INTO group_meetings (meeting_id, group_id, sequence, title, date, created_at) VALUES ($1, $2, $3, $4, $5, $6)',
					[meeting.meetingId, meeting.groupId, meeting.sequence, meeting.title, meeting.date, createdAt]
				);
				await client.query('INSERT INTO updates (meeting_id, data) VALUES ($1, $2)', [meeting.meetingId, buffer(meeting.initialUpdate)]);
			});
		} catch (error) {
			const found = isUniqueViolation(error) ? await existing() : null;
			if (found) return { meeting: found, created: false };
			throw error;
		}
		return {
			meeting: {
				groupId: meeting.groupId,
				meetingId: meeting.meetingId,
				sequence: meeting.sequence,
				title: meeting.title,
				date: meeting.date,
				createdAt: createdAt.toISOString()
			},
			created: true
		};
	}

	async listGroupMeetings(groupId: string): Promise<GroupMeetingRecord[]> {
		const { rows } = await this.#db().query<GroupMeetingRow>('SELECT * FROM group_meetings WHERE group_id = $1 ORDER BY sequence', [groupId]);
		return rows.map(toGroupMeeting);
	}

	async findMeetingGroup(meetingId: string): Promise<GroupMeetingRecord | null> {
		const { rows } = await this.#db().query<GroupMeetingRow>('SELECT * FROM group_meetings WHERE meeting_id = $1', [meetingId]);
		return rows.length > 0 ? toGroupMeeting(rows[0]) : null;
	}
}
