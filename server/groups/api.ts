/**
 * The group endpoints of the JSON API (docs/groups.md). A group is its own small Yjs
 * document (synced at /sync/<groupId> like a meeting) plus the server's records: the
 * group row, its tokens, and each meeting's (group, sequence) link.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as Y from 'yjs';
import { isMeetingId } from '../../src/lib/protocol/index.ts';
import {
	deriveMatters,
	fillGroupMeeting,
	initGroup,
	openMatters,
	planFromPrevious,
	readGroup,
	searchMeetings,
	GroupError,
	type GroupMeetingDoc,
	type MemberInput,
	type TemplateItemInput
} from '../../src/lib/groups/index.ts';
import { MeetingError, readMeeting } from '../../src/lib/meeting/index.ts';
import { requireAccess } from '../http/invitations.ts';
import { resolveAccess } from '../auth/access.ts';
import { hashToken, newMeetingId, newToken } from '../auth/tokens.ts';
import type { GroupMeetingRecord } from '../storage/group-types.ts';
import type { MeetingStorage } from '../storage/types.ts';
import { readJson } from '../http/body.ts';
import { HttpError, sendJson } from '../http/respond.ts';
import { loadDocument } from '../storage/document-log.ts';

export interface GroupApiDeps {
	storage: MeetingStorage;
	publicOrigin: string | null;
	maxBodyBytes: number;
	bearer(req: IncomingMessage): string | null;
	requestOrigin(req: IncomingMessage): string;
	/** Throws the answer when the request may not create a group. */
	requireCreator(req: IncomingMessage): void;
}

export interface GroupRoute {
	method: string;
	pattern: RegExp;
	handle(req: IncomingMessage, res: ServerResponse, params: string[]): Promise<void>;
}

/** Roles a group token may be given; observers read, everyone else may also create meetings. */
export const GROUP_ROLES = ['organiser', 'secretary', 'chair', 'member', 'observer'] as const;
const NAME_MAX = 200;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

function object(body: unknown): Record<string, unknown> {
	if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new HttpError(400, 'Body must be a JSON object');
	return body as Record<string, unknown>;
}

function optionalString(body: Record<string, unknown>, key: string, pattern: RegExp | null, max = NAME_MAX): string | null {
	const value = body[key];
	if (value === undefined || value === null || value === '') return null;
	if (typeof value !== 'string' || value.length > max || (pattern && !pattern.test(value))) {
		throw new HttpError(400, `${key} is not valid`);
	}
	return value.trim() || null;
}

async function loadMeetings(storage: MeetingStorage, records: readonly GroupMeetingRecord[]): Promise<GroupMeetingDoc[]> {
	return Promise.all(records.map(async (r) => ({ id: r.meetingId, sequence: r.sequence, doc: await loadDocument(storage.docs, r.meetingId) })));
}

function destroyAll(meetings: readonly GroupMeetingDoc[]): void {
	for (const m of meetings) m.doc.destroy();
}

function meetingJson(record: GroupMeetingRecord, origin: string) {
	return {
		id: record.meetingId,
		sequence: record.sequence,
		title: record.title,
		date: record.date,
		createdAt: record.createdAt,
		path: `/m/${record.meetingId}`,
		url: `${origin}/m/${record.meetingId}`
	};
}

export function groupRoutes(deps: GroupApiDeps): GroupRoute[] {
	const origin = (req: IncomingMessage) => deps.publicOrigin ?? deps.requestOrigin(req);

	/** The group and the caller's role; 400/404/401 exactly as for meetings. */
	async function access(req: IncomingMessage, groupId: string) {
		const { storage } = deps;
		if (!isMeetingId(groupId)) throw new HttpError(400, 'Malformed group id');
		const group = await storage.groups.getGroup(groupId);
		if (!group || group.deletedAt) throw new HttpError(404, 'Group not found');
		const result = await resolveAccess(storage, groupId, deps.bearer(req));
		if (result.status !== 'ok') throw new HttpError(result.status === 'not-found' ? 404 : 401, 'Missing or wrong token');
		return { storage, group, role: result.role };
	}

	function requireWriter(role: string): void {
		if (role === 'observer') throw new HttpError(403, 'Observers cannot change the group');
	}

	return [
		{
			method: 'POST',
			pattern: /^\/api\/groups$/,
			async handle(req, res) {
				const { storage } = deps;
				deps.requireCreator(req);
				const body = object(await readJson(req, deps.maxBodyBytes));
				const doc = new Y.Doc();
				try {
					initGroup(doc, {
						name: body.name as string,
						roster: body.roster as MemberInput[] | undefined,
						template: body.template as TemplateItemInput[] | undefined
					});
				} catch (error) {
					if (error instanceof GroupError) throw new HttpError(400, error.message);
					throw error;
				}
				const id = newMeetingId();
				const token = newToken();
				const name = readGroup(doc).name;
				await storage.groups.createGroup({ id, name }, Y.encodeStateAsUpdate(doc));
				await storage.tokens.addToken(hashToken(token), { meetingId: id, role: 'organiser', label: '' });
				doc.destroy();
				sendJson(res, 201, { id, name, token, url: `${origin(req)}/g/${id}#token=${token}` }, { Location: `/api/groups/${id}` });
			}
		},
		{
			method: 'GET',
			pattern: /^\/api\/groups\/([^/]+)$/,
			async handle(req, res, [id]) {
				const { storage, group, role } = await access(req, id);
				const meetings = await storage.groups.listGroupMeetings(id);
				sendJson(res, 200, { id, name: group.name, role, meetings: meetings.map((m) => meetingJson(m, origin(req))) });
			}
		},
		{
			method: 'POST',
			pattern: /^\/api\/groups\/([^/]+)\/meetings$/,
			async handle(req, res, [id]) {
				const { storage, role } = await access(req, id);
				requireWriter(role);
				const body = object(await readJson(req, deps.maxBodyBytes));
				// The next meeting is keyed by (group, sequence): everyone creating "the meeting
				// after X" at once asks for the same sequence and gets the same meeting.
				const after = body.after ?? null;
				if (after !== null && typeof after !== 'string') throw new HttpError(400, 'after must be a meeting id or null');
				const records = await storage.groups.listGroupMeetings(id);
				const previous = after === null ? null : records.find((r) => r.meetingId === after);
				if (after !== null && !previous) throw new HttpError(400, 'after is not a meeting of this group');
				const sequence = previous ? previous.sequence + 1 : 1;
				const existing = records.find((r) => r.sequence === sequence);
				if (existing) return sendJson(res, 200, { ...meetingJson(existing, origin(req)), created: false });

				const earlier = await loadMeetings(storage, records.filter((r) => r.sequence < sequence));
				const groupDoc = await loadDocument(storage.docs, id);
				const doc = new Y.Doc();
				try {
					const group = readGroup(groupDoc);
					const previousDoc = earlier.find((m) => m.sequence === sequence - 1)?.doc ?? null;
					const fromPrevious = planFromPrevious(previousDoc);
					const plan = {
						groupId: id,
						sequence,
						title: optionalString(body, 'title', null) ?? group.name,
						date: optionalString(body, 'date', DATE) ?? fromPrevious.date,
						startTime: optionalString(body, 'startTime', TIME) ?? fromPrevious.startTime,
						place: optionalString(body, 'place', null, 500) ?? fromPrevious.place
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
					sendJson(res, created ? 201 : 200, { ...meetingJson(meeting, origin(req)), created, carried: created ? carry.length : undefined });
				} catch (error) {
					if (error instanceof MeetingError || error instanceof GroupError) throw new HttpError(400, error.message);
					throw error;
				} finally {
					doc.destroy();
					groupDoc.destroy();
					destroyAll(earlier);
				}
			}
		},
		{
			// Whom the meeting's runner can take in one step: the group's roster and the previous
			// meeting's participants. Asked with the meeting's token (record.write), since the
			// secretary preparing a meeting need not hold a group link.
			method: 'GET',
			pattern: /^\/api\/meetings\/([^/]+)\/people-sources$/,
			async handle(req, res, [meetingId]) {
				await requireAccess(deps.storage, req, meetingId, 'record.write');
				const { storage } = deps;
				const link = await storage.groups.findMeetingGroup(meetingId);
				if (!link) return sendJson(res, 200, { group: [], previous: [] });
				const previousRecord = (await storage.groups.listGroupMeetings(link.groupId)).find((r) => r.sequence === link.sequence - 1);
				const groupDoc = await loadDocument(storage.docs, link.groupId);
				const previousDoc = previousRecord ? await loadDocument(storage.docs, previousRecord.meetingId) : null;
				try {
					const group = readGroup(groupDoc).roster.map((m) => ({ name: m.name, organisation: m.organisation, role: m.role }));
					const previous = previousDoc
						? readMeeting(previousDoc).participants.map((p) => ({ name: p.name, organisation: p.organisation, role: p.role, email: p.email ?? null }))
						: [];
					sendJson(res, 200, { group, previous });
				} finally {
					groupDoc.destroy();
					previousDoc?.destroy();
				}
			}
		},
		{
			method: 'GET',
			pattern: /^\/api\/groups\/([^/]+)\/matters$/,
			async handle(req, res, [id]) {
				const { storage } = await access(req, id);
				const meetings = await loadMeetings(storage, await storage.groups.listGroupMeetings(id));
				const groupDoc = await loadDocument(storage.docs, id);
				try {
					sendJson(res, 200, { matters: deriveMatters(meetings, readGroup(groupDoc)) });
				} finally {
					groupDoc.destroy();
					destroyAll(meetings);
				}
			}
		},
		{
			method: 'GET',
			pattern: /^\/api\/groups\/([^/]+)\/search$/,
			async handle(req, res, [id]) {
				const { storage } = await access(req, id);
				const query = new URL(req.url ?? '', 'http://x').searchParams.get('q') ?? '';
				if (query.length > 200) throw new HttpError(400, 'q is too long');
				const meetings = await loadMeetings(storage, await storage.groups.listGroupMeetings(id));
				try {
					sendJson(res, 200, { query, hits: searchMeetings(meetings, query) });
				} finally {
					destroyAll(meetings);
				}
			}
		},
		{
			method: 'POST',
			pattern: /^\/api\/groups\/([^/]+)\/invitations$/,
			async handle(req, res, [id]) {
				const { storage, role } = await access(req, id);
				if (role !== 'organiser') throw new HttpError(403, 'Only the organiser invites to the group');
				const body = object(await readJson(req, deps.maxBodyBytes));
				const invitedRole = body.role ?? 'member';
				if (typeof invitedRole !== 'string' || !(GROUP_ROLES as readonly string[]).includes(invitedRole)) {
					throw new HttpError(400, `role must be one of ${GROUP_ROLES.join(', ')}`);
				}
				const label = optionalString(body, 'label', null) ?? '';
				const token = newToken();
				await storage.tokens.addToken(hashToken(token), { meetingId: id, role: invitedRole, label });
				sendJson(res, 201, { role: invitedRole, label, token, url: `${origin(req)}/g/${id}#token=${token}` });
			}
		}
	];
}

