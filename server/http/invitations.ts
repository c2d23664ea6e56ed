/**
 * Invitations: the organiser issues personal links with a role (and a shareable
 * observer link), lists them and revokes them. An invitation is a token record with
 * an id, the invitee's name and optionally the participant it is for; the raw token is
 * returned once, at issue, and only its hash is stored.
 *
 *   POST   /api/meetings/:id/invitations                 {participantId?, name, role} → 201 {invitationId, token, url}
 *   GET    /api/meetings/:id/invitations                 → 200 {invitations: [...]} (never tokens)
 *   DELETE /api/meetings/:id/invitations/:invitationId   → 204; its open connections close with 4401
 *
 * Issuing for a participant revokes that participant's earlier links first.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CLOSE } from '../../src/lib/protocol/index.ts';
import { type Access, resolveAccess } from '../auth/access.ts';
import { sessionOfRequest } from '../auth/oidc.ts';
import { INVITABLE_ROLES, can, isRole, type Action } from '../../src/lib/protocol/roles.ts';
import { hashToken, newToken } from '../auth/tokens.ts';
import { newInvitationId } from '../storage/invitation-ids.ts';
import type { MeetingStorage } from '../storage/types.ts';
import { readJson } from './body.ts';
import { bearer } from './request.ts';
import { HttpError, sendJson } from './respond.ts';

export const NAME_MAX_LENGTH = 200;
const PARTICIPANT_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export interface InvitationDeps {
	storage: MeetingStorage;
	maxBodyBytes: number;
	/** The origin meeting links are built on. */
	origin(req: IncomingMessage): string;
	/** Closes this instance's open connections that were opened with these invitations. */
	disconnect(meetingId: string, invitationIds: readonly string[]): void;
}

export interface ApiRoute {
	method: string;
	pattern: RegExp;
	handle(req: IncomingMessage, res: ServerResponse, params: string[]): Promise<void>;
}

type Granted = Extract<Access, { status: 'ok' }>;

/** The caller's access to the meeting, or the HTTP error every meeting endpoint answers with. */
export async function requireAccess(storage: MeetingStorage, req: IncomingMessage, meetingId: string, action?: Action): Promise<Granted> {
	const access = await resolveAccess(storage, meetingId, bearer(req), sessionOfRequest(req));
	switch (access.status) {
		case 'malformed-id':
			throw new HttpError(400, 'Malformed meeting id');
		case 'not-found':
			throw new HttpError(404, 'Meeting not found');
		case 'unauthorized':
			throw new HttpError(401, 'Missing or wrong token');
	}
	if (action && !can(access.role, action)) throw new HttpError(403, `Your role (${access.role}) may not do this`);
	return access;
}

/** The meeting link of a token: the token rides in the fragment, which browsers never send to servers. */
export function meetingUrl(origin: string, meetingId: string, token: string): string {
	return `${origin}/m/${meetingId}#token=${token}`;
}

function validInvitation(body: unknown): { name: string; role: string; participantId: string | null } {
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

export function invitationRoutes(deps: InvitationDeps): ApiRoute[] {
	const { storage } = deps;
	return [
		{
			method: 'POST',
			pattern: /^\/api\/meetings\/([^/]+)\/invitations$/,
			async handle(req, res, [meetingId]) {
				await requireAccess(storage, req, meetingId, 'invitations.manage');
				const input = validInvitation(await readJson(req, deps.maxBodyBytes));
				if (input.participantId) {
					const replaced = await storage.tokens.revokeInvitations(meetingId, { participantId: input.participantId });
					if (replaced.length > 0) deps.disconnect(meetingId, replaced);
				}
				const invitationId = newInvitationId();
				const token = newToken();
				await storage.tokens.addToken(hashToken(token), {
					meetingId,
					role: input.role,
					label: input.name,
					id: invitationId,
					participantId: input.participantId
				});
				sendJson(res, 201, { invitationId, token, url: meetingUrl(deps.origin(req), meetingId, token) });
			}
		},
		{
			method: 'GET',
			pattern: /^\/api\/meetings\/([^/]+)\/invitations$/,
			async handle(req, res, [meetingId]) {
				await requireAccess(storage, req, meetingId, 'invitations.manage');
				const invitations = (await storage.tokens.listInvitations(meetingId)).map(({ meetingId: _meeting, ...invitation }) => invitation);
				sendJson(res, 200, { invitations });
			}
		},
		{
			method: 'DELETE',
			pattern: /^\/api\/meetings\/([^/]+)\/invitations\/([^/]+)$/,
			async handle(req, res, [meetingId, invitationId]) {
				const caller = await requireAccess(storage, req, meetingId, 'invitations.manage');
				// Revoking one's own link would lock the organiser out mid-task; another organiser can do it.
				if (caller.invitationId === invitationId) throw new HttpError(409, 'You cannot revoke the link you are using');
				const revoked = await storage.tokens.revokeInvitations(meetingId, { id: invitationId });
				if (revoked.length === 0) {
					const known = (await storage.tokens.listInvitations(meetingId)).some((i) => i.id === invitationId);
					if (!known) throw new HttpError(404, 'No such invitation');
				}
				deps.disconnect(meetingId, [invitationId]);
				res.writeHead(204, { 'Cache-Control': 'no-store' });
				res.end();
			}
		}
	];
}

/** Close code and reason for connections whose invitation was revoked. */
export const REVOKED_CLOSE = { code: CLOSE.UNAUTHORIZED, reason: 'invitation revoked' } as const;
