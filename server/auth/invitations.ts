/**
 * Invitations: personal links with a role (and shareable observer links) that the
 * organiser issues, lists and revokes. An invitation is a token record with an id, the
 * invitee's name and optionally the participant it is for; the raw token is returned
 * once, at issue, and only its hash is stored. Issuing for a participant revokes that
 * participant's earlier links first. Routes: server/http/invitations.ts.
 */
import { CLOSE } from '../../src/lib/protocol/index.ts';
import type { Role } from '../../src/lib/protocol/roles.ts';
import { DomainError } from '../shared/errors.ts';
import { newInvitationId } from '../storage/invitation-ids.ts';
import { hashToken, newToken } from './tokens.ts';
import type { InvitationRecord, MeetingStorage } from '../storage/types.ts';

export interface InvitationInput {
	name: string;
	role: Role;
	participantId: string | null;
}

export interface InvitationDeps {
	storage: MeetingStorage;
	/** Closes this instance's open connections that were opened with these invitations. */
	disconnect(meetingId: string, invitationIds: readonly string[]): void;
}

/** Close code and reason for connections whose invitation was revoked. */
export const REVOKED_CLOSE = { code: CLOSE.UNAUTHORIZED, reason: 'invitation revoked' } as const;

export function createInvitationService(deps: InvitationDeps) {
	const { storage } = deps;

	async function issue(meetingId: string, input: InvitationInput): Promise<{ invitationId: string; token: string }> {
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
		return { invitationId, token };
	}

	/** The meeting's invitations, never their tokens (only hashes are stored). */
	async function list(meetingId: string): Promise<Omit<InvitationRecord, 'meetingId'>[]> {
		return (await storage.tokens.listInvitations(meetingId)).map(({ meetingId: _meeting, ...invitation }) => invitation);
	}

	/** Revokes one invitation and closes its connections; `callerInvitationId` is the link the caller uses. */
	async function revoke(meetingId: string, invitationId: string, callerInvitationId: string | null): Promise<void> {
		// Revoking one's own link would lock the organiser out mid-task; another organiser can do it.
		if (callerInvitationId === invitationId) throw new DomainError('conflict', 'You cannot revoke the link you are using');
		const revoked = await storage.tokens.revokeInvitations(meetingId, { id: invitationId });
		if (revoked.length === 0) {
			const known = (await storage.tokens.listInvitations(meetingId)).some((i) => i.id === invitationId);
			if (!known) throw new DomainError('not-found', 'No such invitation');
		}
		deps.disconnect(meetingId, [invitationId]);
	}

	return { issue, list, revoke };
}

export type InvitationService = ReturnType<typeof createInvitationService>;
