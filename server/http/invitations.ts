/**
 * The invitation endpoints (the service: server/auth/invitations.ts; bodies and answers:
 * src/lib/protocol/api.ts):
 *
 *   POST   /api/meetings/:id/invitations                 {participantId?, name, role} → 201 {invitationId, token, url}
 *   GET    /api/meetings/:id/invitations                 → 200 {invitations: [...]} (never tokens)
 *   DELETE /api/meetings/:id/invitations/:invitationId   → 204; its open connections close with 4401
 */
import type { IncomingMessage } from 'node:http';
import type { InvitationService } from '../auth/invitations.ts';
import type { MeetingStorage } from '../storage/types.ts';
import { requireAccess } from './access.ts';
import { type Route, readBody, reply, route } from './route.ts';

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

export function invitationRoutes(deps: InvitationRouteDeps): Route[] {
	const { storage, invitations } = deps;
	return [
		route('createInvitation', async (req, res, [meetingId]) => {
			await requireAccess(storage, req, meetingId, 'invitations.manage');
			const input = await readBody(req, 'createInvitation', deps.maxBodyBytes);
			const { invitationId, token } = await invitations.issue(meetingId, input);
			reply(res, 'createInvitation', { invitationId, token, url: meetingUrl(deps.origin(req), meetingId, token) }, 201);
		}),
		route('invitations', async (req, res, [meetingId]) => {
			await requireAccess(storage, req, meetingId, 'invitations.manage');
			reply(res, 'invitations', { invitations: await invitations.list(meetingId) });
		}),
		route('revokeInvitation', async (req, res, [meetingId, invitationId]) => {
			const caller = await requireAccess(storage, req, meetingId, 'invitations.manage');
			await invitations.revoke(meetingId, invitationId, caller.invitationId);
			res.writeHead(204, { 'Cache-Control': 'no-store' });
			res.end();
		})
	];
}
