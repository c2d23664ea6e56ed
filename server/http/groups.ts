/**
 * The group endpoints of the JSON API (the service: server/groups/service.ts; design:
 * docs/groups.md). All but POST /api/groups take the group's token as
 * `Authorization: Bearer <token>`.
 */
import type { IncomingMessage } from 'node:http';
import type { MemberInput, TemplateItemInput } from '../../src/lib/groups/index.ts';
import { GROUP_ROLES, type GroupRole, type GroupService, type NextMeeting } from '../groups/service.ts';
import type { GroupMeetingRecord } from '../storage/group-types.ts';
import { readJson } from './body.ts';
import { bearer } from './request.ts';
import { HttpError, sendJson } from './respond.ts';
import type { Route } from './route.ts';

export interface GroupRouteDeps {
	groups: GroupService;
	maxBodyBytes: number;
	/** The app's origin for links (the configured public origin or the request's). */
	origin(req: IncomingMessage): string;
}

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

function validNextMeeting(body: Record<string, unknown>): NextMeeting {
	const after = body.after ?? null;
	if (after !== null && typeof after !== 'string') throw new HttpError(400, 'after must be a meeting id or null');
	return {
		after,
		title: optionalString(body, 'title', null),
		date: optionalString(body, 'date', DATE),
		startTime: optionalString(body, 'startTime', TIME),
		place: optionalString(body, 'place', null, 500)
	};
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

export function groupRoutes(deps: GroupRouteDeps): Route[] {
	const { groups, origin } = deps;
	return [
		{
			method: 'POST',
			pattern: /^\/api\/groups$/,
			async handle(req, res) {
				const body = object(await readJson(req, deps.maxBodyBytes));
				// The group's own rules check name, roster and template (src/lib/groups).
				const { id, name, token } = await groups.create({
					name: body.name as string,
					roster: body.roster as MemberInput[] | undefined,
					template: body.template as TemplateItemInput[] | undefined
				});
				sendJson(res, 201, { id, name, token, url: `${origin(req)}/g/${id}#token=${token}` }, { Location: `/api/groups/${id}` });
			}
		},
		{
			method: 'GET',
			pattern: /^\/api\/groups\/([^/]+)$/,
			async handle(req, res, [id]) {
				const { group, role } = await groups.open(id, bearer(req));
				const meetings = await groups.meetings(id);
				sendJson(res, 200, { id, name: group.name, role, meetings: meetings.map((m) => meetingJson(m, origin(req))) });
			}
		},
		{
			method: 'POST',
			pattern: /^\/api\/groups\/([^/]+)\/meetings$/,
			async handle(req, res, [id]) {
				const caller = await groups.open(id, bearer(req), 'change');
				const input = validNextMeeting(object(await readJson(req, deps.maxBodyBytes)));
				const { meeting, created, carried } = await groups.nextMeeting(caller, input);
				sendJson(res, created ? 201 : 200, { ...meetingJson(meeting, origin(req)), created, carried });
			}
		},
		{
			method: 'GET',
			pattern: /^\/api\/groups\/([^/]+)\/matters$/,
			async handle(req, res, [id]) {
				await groups.open(id, bearer(req));
				sendJson(res, 200, { matters: await groups.matters(id) });
			}
		},
		{
			method: 'GET',
			pattern: /^\/api\/groups\/([^/]+)\/search$/,
			async handle(req, res, [id]) {
				await groups.open(id, bearer(req));
				const query = new URL(req.url ?? '', 'http://x').searchParams.get('q') ?? '';
				if (query.length > 200) throw new HttpError(400, 'q is too long');
				sendJson(res, 200, { query, hits: await groups.search(id, query) });
			}
		},
		{
			method: 'POST',
			pattern: /^\/api\/groups\/([^/]+)\/invitations$/,
			async handle(req, res, [id]) {
				const caller = await groups.open(id, bearer(req), 'invite');
				const body = object(await readJson(req, deps.maxBodyBytes));
				const role = body.role ?? 'member';
				if (typeof role !== 'string' || !(GROUP_ROLES as readonly string[]).includes(role)) {
					throw new HttpError(400, `role must be one of ${GROUP_ROLES.join(', ')}`);
				}
				const label = optionalString(body, 'label', null) ?? '';
				const { token } = await groups.invite(caller, role as GroupRole, label);
				sendJson(res, 201, { role, label, token, url: `${origin(req)}/g/${id}#token=${token}` });
			}
		}
	];
}
