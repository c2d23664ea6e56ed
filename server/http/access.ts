/**
 * The caller's access to a meeting, for every meeting endpoint: the same lookup as the
 * sync upgrade (server/auth/access.ts): a link's token, or the signed-in user's roster e-mail
 * (the session of http/signin.ts), refused the same way.
 */
import type { IncomingMessage } from 'node:http';
import { can, type Action } from '../../src/lib/protocol/roles.ts';
import { type Access, resolveAccess } from '../auth/access.ts';
import type { MeetingStorage } from '../storage/types.ts';
import { bearer } from './request.ts';
import { sessionOfRequest } from './signin.ts';
import { HttpError } from './respond.ts';

export type Granted = Extract<Access, { status: 'ok' }>;

/** The caller's access to the meeting (and, with `action`, the right to do it), or the HTTP error every meeting endpoint answers with. */
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
