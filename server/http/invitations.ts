/**
 * The invitation endpoints (the service: server/auth/invitations.ts):
 *
 *   POST   /api/meetings/:id/invitations                 {participantId?, name, role} → 201 {invitationId, token, url}
 *   GET    /api/meetings/:id/invitations                 → 200 {invitations: [...]} (never tokens)
 *   DELETE /api/meetings/:id/invitations/:invitationId   → 204; its open connections close with 4401
 */
import type { IncomingMessage } from 'node:http';
import { INVITABLE_ROLES, isRole } from '../../src/lib/protocol/roles.ts';
import type { InvitationInput, InvitationService } from '../auth/invitations.ts';
import type { MeetingStorage } from '../storage/types.ts';
import { requireAccess } from './access.ts';
import { readJson } from './body.ts';
import { HttpError, sendJson } from './respond.ts';
import type { Route } from './route.ts';

export const NAME_MAX_LENGTH = 200;
const PARTICIPANT_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export interface InvitationRouteDeps {
	storage: MeetingStorage;
	invitations: InvitationService;
	maxBodyBytes: number;
	/** The origin meeting links are built on. */
	origin(req: IncomingMessage): string;
}

/** The meeting link of a token: the token rides in the fragment, which browsers never send to servers. */
export function meetingUrl(origin: string, meetingId: string, token: string): string {
	return `${origin}/m/${meetingId}#token=${token}`;
}

function validInvitation(body: unknown): InvitationInput {
	if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new HttpError(400, 'Body must be a JSON object');
	const { name, role, participantId } = body as Record<string, unknown>;
	if (typeof name !== 'string' || name.trim().length === 0) throw new HttpError(400, 'name is required and must be a non-empty string');
	if (name.trim().length > NAME_MAX_LENGTH) throw new HttpError(400, `name must be at most ${NAME_MAX_LENGTH} characters`);
	if (!isRole(role) || !INVITABLE_ROLES.includes(role)) throw new HttpError(400, `role must be one of ${INVITABLE_ROLES.join(', ')}`);
	if (participantId !== undefined && participantId !== null && (typeof participantId !== 'string' || !PARTICIPANT_ID_PATTERN.test(participantId))) {
		throw new HttpError(400, 'participantId must be a participant id of the meeting document');
	}
	return { name: name.trim(), role, participantId: (participantId as string | undefined) ?? null };
}

export function invitationRoutes(deps: InvitationRouteDeps): Route[] {
	const { storage, invitations } = deps;
	return [
		{
			method: 'POST',
			pattern: /^\/api\/meetings\/([^/]+)\/invitations$/,
			async handle(req, res, [meetingId]) {
				await requireAccess(storage, req, meetingId, 'invitations.manage');
				const input = validInvitation(await readJson(req, deps.maxBodyBytes));
				const { invitationId, token } = await invitations.issue(meetingId, input);
				sendJson(res, 201, { invitationId, token, url: meetingUrl(deps.origin(req), meetingId, token) });
			}
		},
		{
			method: 'GET',
			pattern: /^\/api\/meetings\/([^/]+)\/invitations$/,
			async handle(req, res, [meetingId]) {
				await requireAccess(storage, req, meetingId, 'invitations.manage');
				sendJson(res, 200, { invitations: await invitations.list(meetingId) });
			}
		},
		{
			method: 'DELETE',
			pattern: /^\/api\/meetings\/([^/]+)\/invitations\/([^/]+)$/,
			async handle(req, res, [meetingId, invitationId]) {
				const caller = await requireAccess(storage, req, meetingId, 'invitations.manage');
				await invitations.revoke(meetingId, invitationId, caller.invitationId);
				res.writeHead(204, { 'Cache-Control': 'no-store' });
				res.end();
			}
		}
	];
}
