/**
 * "Mina möten på den här enheten": the meetings this device holds a copy of, for the
 * start page, and the link that reopens one.
 */
import { deviceStore, type LocalMeeting, type LocalStore } from './local-store.ts';
import { PendingEdits } from './pending.ts';

export type { LocalMeeting };

/** A meeting of the device's list with what the list shows about its copy. */
export interface DeviceMeeting extends LocalMeeting {
	/** Bytes of document data stored on this device now. */
	size: number;
	/** Edits made on this device that the server has not confirmed as stored. */
	unsaved: number;
	/** Handlingar of the meeting kept on this device, and the bytes they take. */
	files: number;
	filesSize: number;
}

/** The meetings on this device, most recently opened first; empty where there is no IndexedDB. */
export async function listLocalMeetings(store?: LocalStore | null): Promise<LocalMeeting[]> {
	const target = store === undefined ? await deviceStore() : store;
	return target ? target.listMeetings() : [];
}

/** The meetings on this device with their current size and unsaved edits, most recently opened first. */
export async function listDeviceMeetings(store?: LocalStore | null): Promise<DeviceMeeting[]> {
	const target = store === undefined ? await deviceStore() : store;
	if (!target) return [];
	const meetings = await target.listMeetings();
	return Promise.all(meetings.map((meeting) => describeCopy(target, meeting)));
}

/** Size and unsaved edits of one meeting's copy, or null if the device does not hold it. */
export async function deviceCopy(meetingId: string, store?: LocalStore | null): Promise<DeviceMeeting | null> {
	const target = store === undefined ? await deviceStore() : store;
	const meeting = await target?.getMeeting(meetingId);
	return target && meeting ? describeCopy(target, meeting) : null;
}

async function describeCopy(store: LocalStore, meeting: LocalMeeting): Promise<DeviceMeeting> {
	const [size, sync, files] = await Promise.all([store.estimateSize(meeting.id), store.loadSyncState(meeting.id), store.listFiles(meeting.id)]);
	// The same reading as a session's count after a reload: entries the saved vector covers do not count.
	const pending = new PendingEdits();
	pending.restore(sync.saved, sync.pending);
	return { ...meeting, size, unsaved: pending.count, files: files.length, filesSize: files.reduce((sum, f) => sum + f.size, 0) };
}

/** "Ta bort från enheten". Close the meeting's sessions first: an open session keeps writing. */
export async function removeFromDevice(meetingId: string, store?: LocalStore | null): Promise<void> {
	const target = store === undefined ? await deviceStore() : store;
	await target?.deleteMeeting(meetingId);
}

/** The app link that opens the meeting with its token (the token stays in the fragment, never sent to servers). */
export function meetingPath(meeting: Pick<LocalMeeting, 'id' | 'token'>): string {
	const path = `/m/${encodeURIComponent(meeting.id)}`;
	return meeting.token === null ? path : `${path}#token=${encodeURIComponent(meeting.token)}`;
}

/** The token in a meeting link's fragment (`#token=…`), or null. */
export function tokenFromHash(hash: string): string | null {
	const token = new URLSearchParams(hash.replace(/^#/, '')).get('token');
	return token ? token : null;
}

/**
 * The token of the link this page was opened with, taken out of the address bar (and so out
 * of the history and screenshots) and kept for this tab's session; later in the session, the
 * kept one. The router's history state is kept as it is.
 */
export function takeLinkToken(id: string): string | null {
	const key = `motesrum:token:${id}`;
	const fromLink = tokenFromHash(location.hash);
	if (fromLink) {
		sessionStorage.setItem(key, fromLink);
		history.replaceState(history.state, '', location.pathname + location.search);
		return fromLink;
	}
	return sessionStorage.getItem(key);
}
