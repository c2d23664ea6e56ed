/**
 * Meeting groups (docs/groups.md). A group is its own small Yjs document (synced at
 * /sync/<groupId> like a meeting) plus the server's records: the group row, its tokens,
 * and each meeting's (group, sequence) link. Routes: server/http/groups.ts.
 */
import * as Y from 'yjs';
import { isMeetingId } from '../../src/lib/protocol/index.ts';
import type { Reply, ValidBody } from '../../src/lib/protocol/api.ts';
import {
	deriveMatters,
	fillGroupMeeting,
	initGroup,
	openMatters,
	planFromPrevious,
	readGroup,
	searchMeetings,
	GroupError,
	type GroupMeetingDoc
} from '../../src/lib/groups/index.ts';
import { MeetingError, readMeeting } from '../../src/lib/meeting/index.ts';
import { resolveAccess } from '../auth/access.ts';
import { hashToken, newMeetingId, newToken } from '../auth/tokens.ts';
import { DomainError } from '../shared/errors.ts';
import { loadDocument } from '../storage/document-log.ts';
import type { GroupMeetingRecord, GroupRecord } from '../storage/group-types.ts';
import type { MeetingStorage } from '../storage/types.ts';

export type NewGroup = ValidBody<'createGroup'>;
export type NextMeeting = ValidBody<'nextMeeting'>;
export type GroupRole = ValidBody<'groupInvitation'>['role'];

/** The caller, as its group token says. */
export interface GroupCaller {
	group: GroupRecord;
	role: string;
}

/** What a caller wants to do with a group: read it, change it (create meetings), or invite. */
export type GroupNeed = 'read' | 'change' | 'invite';

function requireRole(caller: GroupCaller, need: GroupNeed): void {
	if (need === 'change' && caller.role === 'observer') throw new DomainError('forbidden', 'Observers cannot change the group');
	if (need === 'invite' && caller.role !== 'organiser') throw new DomainError('forbidden', 'Only the organiser invites to the group');
}

/** Reads a stored document (snapshot + log): what every acknowledged client update reached. */
const loadDoc = (storage: MeetingStorage, id: string): Promise<Y.Doc> => loadDocument(storage.docs, id);

async function loadMeetings(storage: MeetingStorage, records: readonly GroupMeetingRecord[]): Promise<GroupMeetingDoc[]> {
	return Promise.all(records.map(async (r) => ({ id: r.meetingId, sequence: r.sequence, doc: await loadDoc(storage, r.meetingId) })));
}

function destroyAll(meetings: readonly GroupMeetingDoc[]): void {
	for (const m of meetings) m.doc.destroy();
}

function invalidInput(error: unknown): unknown {
	return error instanceof MeetingError || error instanceof GroupError ? new DomainError('invalid', error.message) : error;
}

export function createGroupService(storage: MeetingStorage) {
	/** A new group and its organiser token (returned once). */
	async function create(input: NewGroup): Promise<{ id: string; name: string; token: string }> {
		const doc = new Y.Doc();
		try {
			try {
				// initGroup checks name, roster and template itself (GroupError).
				initGroup(doc, input as Parameters<typeof initGroup>[1]);
			} catch (error) {
				throw invalidInput(error);
			}
			const id = newMeetingId();
			const token = newToken();
			const name = readGroup(doc).name;
			await storage.groups.createGroup({ id, name }, Y.encodeStateAsUpdate(doc));
			await storage.tokens.addToken(hashToken(token), { meetingId: id, role: 'organiser', label: '' });
			return { id, name, token };
		} finally {
			doc.destroy();
		}
	}

	/**
	 * The group and the caller's role; refused as for meetings (malformed id, not found,
	 * missing or wrong token), and when the role does not allow `need`.
	 */
	async function open(groupId: string, token: string | null, need: GroupNeed = 'read'): Promise<GroupCaller> {
		if (!isMeetingId(groupId)) throw new DomainError('invalid', 'Malformed group id');
		const group = await storage.groups.getGroup(groupId);
		if (!group || group.deletedAt) throw new DomainError('not-found', 'Group not found');
		const result = await resolveAccess(storage, groupId, token);
		if (result.status !== 'ok') throw new DomainError(result.status === 'not-found' ? 'not-found' : 'unauthorized', 'Missing or wrong token');
		const caller = { group, role: result.role };
		requireRole(caller, need);
		return caller;
	}

	function meetings(groupId: string): Promise<GroupMeetingRecord[]> {
		return storage.groups.listGroupMeetings(groupId);
	}

	/**
	 * The next meeting is keyed by (group, sequence): everyone creating "the meeting after
	 * X" at once asks for the same sequence and gets the same meeting.
	 */
	async function nextMeeting(caller: GroupCaller, input: NextMeeting): Promise<{ meeting: GroupMeetingRecord; created: boolean; carried?: number }> {
		requireRole(caller, 'change');
		const id = caller.group.id;
		const records = await storage.groups.listGroupMeetings(id);
		const previous = input.after === null ? null : records.find((r) => r.meetingId === input.after);
		if (input.after !== null && !previous) throw new DomainError('invalid', 'after is not a meeting of this group');
		const sequence = previous ? previous.sequence + 1 : 1;
		const existing = records.find((r) => r.sequence === sequence);
		if (existing) return { meeting: existing, created: false };

		const earlier = await loadMeetings(storage, records.filter((r) => r.sequence < sequence));
		const groupDoc = await loadDoc(storage, id);
		const doc = new Y.Doc();
		try {
			const group = readGroup(groupDoc);
			const previousDoc = earlier.find((m) => m.sequence === sequence - 1)?.doc ?? null;
			const fromPrevious = planFromPrevious(previousDoc);
			const plan = {
				groupId: id,
				sequence,
				title: input.title ?? group.name,
				date: input.date ?? fromPrevious.date,
				startTime: input.startTime ?? fromPrevious.startTime,
				place: input.place ?? fromPrevious.place
			};
			const carry = openMatters(deriveMatters(earlier, group));
			fillGroupMeeting(doc, group, plan, carry);
			const { meeting, created } = await storage.groups.createGroupMeeting({
				groupId: id,
				sequence,
				meetingId: newMeetingId(),
				title: plan.title,
				date: plan.date,
				initialUpdate: Y.encodeStateAsUpdate(doc)
			});
			return { meeting, created, carried: created ? carry.length : undefined };
		} catch (error) {
			throw invalidInput(error);
		} finally {
			doc.destroy();
			groupDoc.destroy();
			destroyAll(earlier);
		}
	}

	/** The matters followed across the group's meetings. */
	async function matters(groupId: string) {
		const meetings = await loadMeetings(storage, await storage.groups.listGroupMeetings(groupId));
		const groupDoc = await loadDoc(storage, groupId);
		try {
			return deriveMatters(meetings, readGroup(groupDoc));
		} finally {
			groupDoc.destroy();
			destroyAll(meetings);
		}
	}

	async function search(groupId: string, query: string) {
		const meetings = await loadMeetings(storage, await storage.groups.listGroupMeetings(groupId));
		try {
			return searchMeetings(meetings, query);
		} finally {
			destroyAll(meetings);
		}
	}

	/** A group token with `role` (returned once); the organiser's to give. */
	async function invite(caller: GroupCaller, role: GroupRole, label: string): Promise<{ token: string }> {
		requireRole(caller, 'invite');
		const token = newToken();
		await storage.tokens.addToken(hashToken(token), { meetingId: caller.group.id, role, label });
		return { token };
	}

	/** Whom a group meeting's runner can take in one step: the group's roster and the previous meeting's participants. */
	async function peopleSources(meetingId: string): Promise<Reply<'peopleSources'>> {
		const link = await storage.groups.findMeetingGroup(meetingId);
		if (!link) return { group: [], previous: [] };
		const previousRecord = (await storage.groups.listGroupMeetings(link.groupId)).find((r) => r.sequence === link.sequence - 1);
		const groupDoc = await loadDoc(storage, link.groupId);
		const previousDoc = previousRecord ? await loadDoc(storage, previousRecord.meetingId) : null;
		try {
			const group = readGroup(groupDoc).roster.map((m) => ({ name: m.name, organisation: m.organisation, role: m.role }));
			const previous = previousDoc
				? readMeeting(previousDoc).participants.map((p) => ({ name: p.name, organisation: p.organisation, role: p.role, email: p.email ?? null }))
				: [];
			return { group, previous };
		} finally {
			groupDoc.destroy();
			previousDoc?.destroy();
		}
	}

	return { create, open, meetings, nextMeeting, matters, search, invite, peopleSources };
}

export type GroupService = ReturnType<typeof createGroupService>;
