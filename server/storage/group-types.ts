/**
 * The groups part of the storage (MeetingStorage.groups).
 *
 * A group's Yjs document is stored like a meeting's: a row in `meetings` with the
 * group's id (title = group name), its tokens in `tokens`, its updates in
 * `snapshots`/`updates`. The group row and the meeting→group link are the only new data.
 * Contract and PostgreSQL notes: docs/groups.md.
 */

export interface GroupRecord {
	id: string;
	name: string;
	createdAt: string;
	deletedAt: string | null;
}

export interface GroupMeetingRecord {
	groupId: string;
	meetingId: string;
	/** 1, 2, … — unique per group: the idempotency key of "create the next meeting". */
	sequence: number;
	title: string;
	/** YYYY-MM-DD planned when the meeting was created, if known. */
	date: string | null;
	createdAt: string;
}

export interface NewGroupMeeting {
	groupId: string;
	sequence: number;
	meetingId: string;
	title: string;
	date: string | null;
	/** The new meeting's whole first document state (Y.encodeStateAsUpdate). */
	initialUpdate: Uint8Array;
}

export interface GroupStore {
	/**
	 * In one transaction: the document row (in `meetings`, same id), the group row and the
	 * document's first update.
	 */
	createGroup(group: { id: string; name: string }, initialUpdate: Uint8Array): Promise<GroupRecord>;
	getGroup(id: string): Promise<GroupRecord | null>;
	/**
	 * In one transaction: the meeting row, its (group, sequence) link and its first update.
	 * If the group already has a meeting at that sequence nothing is written and that one is
	 * returned with `created: false` — also when another process inserted it concurrently
	 * (unique constraint on (group_id, sequence)).
	 */
	createGroupMeeting(meeting: NewGroupMeeting): Promise<{ meeting: GroupMeetingRecord; created: boolean }>;
	/** The group's meetings in sequence order. */
	listGroupMeetings(groupId: string): Promise<GroupMeetingRecord[]>;
	/** The group a meeting belongs to, if any. */
	findMeetingGroup(meetingId: string): Promise<GroupMeetingRecord | null>;
}
