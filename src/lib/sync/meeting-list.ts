/**
 * "Mina möten på den här enheten": the meetings this device holds a copy of, for the
 * start page, and the link that reopens one.
 */
import { deviceStore, type LocalMeeting, type LocalStore } from './local-store.ts';

export type { LocalMeeting };

/** The meetings on this device, most recently opened first; empty where there is no IndexedDB. */
export async function listLocalMeetings(store?: LocalStore | null): Promise<LocalMeeting[]> {
	const target = store === undefined ? await deviceStore() : store;
	return target ? target.listMeetings() : [];
}

/** "Ta bort från enheten". Close the meeting's sessions first: an open session keeps writing. */
export async function removeFromDevice(meetingId: string, store?: LocalStore | null): Promise<void> {
	const target = store === undefined ? await deviceStore() : store;
	await target?.deleteMeeting(meetingId);
}

/** The app link that opens the meeting with its token (the token stays in the fragment, never sent to servers). */
export function meetingPath(meeting: Pick<LocalMeeting, 'id' | 'token'>): string {
	return `/m/${encodeURIComponent(meeting.id)}#token=${encodeURIComponent(meeting.token)}`;
}

/** The token in a meeting link's fragment (`#token=…`), or null. */
export function tokenFromHash(hash: string): string | null {
	const token = new URLSearchParams(hash.replace(/^#/, '')).get('token');
	return token ? token : null;
}
