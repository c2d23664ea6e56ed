/** The browser's calls to the invitation API (server/http/invitations.ts). Errors carry the server's message. */
import { ApiError } from './meetings';

export const INVITATION_ROLES = ['organiser', 'chair', 'secretary', 'adjuster', 'member', 'guest', 'observer'] as const;
export type InvitationRole = (typeof INVITATION_ROLES)[number];

export interface Invitation {
	id: string;
	participantId: string | null;
	name: string;
	role: string;
	createdAt: string;
	revokedAt: string | null;
}

export interface IssuedInvitation {
	invitationId: string;
	token: string;
	url: string;
}

export interface MeetingAccess {
	id: string;
	title: string;
	role: string;
	name: string;
	participantId: string | null;
	invitationId: string | null;
	permissions: string[];
}

async function call<T>(path: string, token: string, init: RequestInit = {}): Promise<T> {
	const response = await fetch(path, {
		...init,
		cache: 'no-store',
		headers: { authorization: `Bearer ${token}`, ...(init.body ? { 'content-type': 'application/json' } : {}) }
	});
	if (response.status === 204) return undefined as T;
	const body = (await response.json().catch(() => null)) as ({ error?: string } & T) | null;
	if (!response.ok) throw new ApiError(response.status, body?.error ?? response.statusText);
	return body as T;
}

const base = (meetingId: string) => `/api/meetings/${encodeURIComponent(meetingId)}`;

export function meetingAccess(meetingId: string, token: string): Promise<MeetingAccess> {
	return call<MeetingAccess>(base(meetingId), token);
}

export async function listInvitations(meetingId: string, token: string): Promise<Invitation[]> {
	return (await call<{ invitations: Invitation[] }>(`${base(meetingId)}/invitations`, token)).invitations;
}

export function createInvitation(
	meetingId: string,
	token: string,
	input: { name: string; role: InvitationRole; participantId?: string | null }
): Promise<IssuedInvitation> {
	return call<IssuedInvitation>(`${base(meetingId)}/invitations`, token, { method: 'POST', body: JSON.stringify(input) });
}

export function revokeInvitation(meetingId: string, token: string, invitationId: string): Promise<void> {
	return call<void>(`${base(meetingId)}/invitations/${encodeURIComponent(invitationId)}`, token, { method: 'DELETE' });
}

export interface InstanceSettings {
	/** 'secret': creating needs the organiser secret; 'signed-in': a signed-in organiser creates. */
	createMeetings: 'open' | 'secret' | 'signed-in';
	/** Present (true) when the instance offers sign-in with the organisation's identity provider. */
	signIn?: true;
}

/** How this instance decides who creates meetings, and whether it offers sign-in. */
export async function instanceSettings(): Promise<InstanceSettings> {
	const response = await fetch('/api/instance', { cache: 'no-store' });
	if (!response.ok) throw new ApiError(response.status, response.statusText);
	return (await response.json()) as InstanceSettings;
}
