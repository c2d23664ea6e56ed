/**
 * The group endpoints of the JSON API (the service: server/groups/service.ts; bodies and
 * answers: src/lib/protocol/api.ts; design: docs/groups.md). All but POST /api/groups take the group's token as
 * `Authorization: Bearer <token>`.
 */
import type { IncomingMessage } from 'node:http';
import type { GroupMeetingInfo } from '../../src/lib/protocol/api.ts';
import type { GroupService } from '../groups/service.ts';
import type { GroupMeetingRecord } from '../storage/group-types.ts';
import type { MeetingStorage } from '../storage/types.ts';
import { requireAccess } from './access.ts';
import { bearer } from './request.ts';
import { HttpError } from './respond.ts';
import { type Route, readBody, reply, route } from './route.ts';

export interface GroupRouteDeps {
	storage: MeetingStorage;
	groups: GroupService;
	maxBodyBytes: number;
	/** The app's origin for links (the configured public origin or the request's). */
	origin(req: IncomingMessage): string;
	/** Throws the answer when the request may not create a group (signing in may decide who creates). */
	requireCreator(req: IncomingMessage): void;
}

function meetingJson(record: GroupMeetingRecord, origin: string): GroupMeetingInfo {
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

export function groupRoutes(deps: GroupRouteDeps): Route[] {
	const { groups, origin } = deps;
	return [
		route('createGroup', async (req, res) => {
			deps.requireCreator(req);
			// The group's own rules check name, roster and template (src/lib/groups).
			const { id, name, token } = await groups.create(await readBody(req, 'createGroup', deps.maxBodyBytes));
			reply(res, 'createGroup', { id, name, token, url: `${origin(req)}/g/${id}#token=${token}` }, 201, { Location: `/api/groups/${id}` });
		}),
		route('group', async (req, res, [id]) => {
			const { group, role } = await groups.open(id, bearer(req));
			const meetings = await groups.meetings(id);
			reply(res, 'group', { id, name: group.name, role, meetings: meetings.map((m) => meetingJson(m, origin(req))) });
		}),
		route('nextMeeting', async (req, res, [id]) => {
			const caller = await groups.open(id, bearer(req), 'change');
			const input = await readBody(req, 'nextMeeting', deps.maxBodyBytes);
			const { meeting, created, carried } = await groups.nextMeeting(caller, input);
			reply(res, 'nextMeeting', { ...meetingJson(meeting, origin(req)), created, carried }, created ? 201 : 200);
		}),
		route('peopleSources', async (req, res, [meetingId]) => {
			// Asked with the meeting's token (record.write): the secretary preparing a meeting need not hold a group link.
			await requireAccess(deps.storage, req, meetingId, 'record.write');
			reply(res, 'peopleSources', await groups.peopleSources(meetingId));
		}),
		route('matters', async (req, res, [id]) => {
			await groups.open(id, bearer(req));
			reply(res, 'matters', { matters: await groups.matters(id) });
		}),
		route('search', async (req, res, [id]) => {
			await groups.open(id, bearer(req));
			const query = new URL(req.url ?? '', 'http://x').searchParams.get('q') ?? '';
			if (query.length > 200) throw new HttpError(400, 'q is too long');
			reply(res, 'search', { query, hits: await groups.search(id, query) });
		}),
		route('groupInvitation', async (req, res, [id]) => {
			const caller = await groups.open(id, bearer(req), 'invite');
			const { role, label } = await readBody(req, 'groupInvitation', deps.maxBodyBytes);
			const { token } = await groups.invite(caller, role, label);
			reply(res, 'groupInvitation', { role, label, token, url: `${origin(req)}/g/${id}#token=${token}` }, 201);
		})
	];
}
