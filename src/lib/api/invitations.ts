/** The browser's calls to the invitation API (server/http/invitations.ts). Errors are ApiErrors. */
import type { Invitation, IssuedInvitation, MeetingAccess, RequestBody } from '$lib/protocol/api';
import { callApi } from '$lib/protocol/client';

export type { Invitation, IssuedInvitation, MeetingAccess } from '$lib/protocol/api';

export function meetingAccess(meetingId: string, token: string): Promise<MeetingAccess> {
	return callApi('meeting', { params: { id: meetingId }, token });
}

export async function listInvitations(meetingId: string, token: string): Promise<Invitation[]> {
	return (await callApi('invitations', { params: { id: meetingId }, token })).invitations;
}

export function createInvitation(meetingId: string, token: string, input: RequestBody<'createInvitation'>): Promise<IssuedInvitation> {
	return callApi('createInvitation', { params: { id: meetingId }, token, body: input });
}

export function revokeInvitation(meetingId: string, token: string, invitationId: string): Promise<void> {
	return callApi('revokeInvitation', { params: { id: meetingId, invitationId }, token });
}
