/**
 * What the personal-data export and erasure (server/ops/personal-data.ts) need from the
 * storage beyond MeetingStorage: every stored document, and renaming invitations (their
 * label is the invitee's name). Both adapters implement it; kept a separate interface so
 * an engine without it answers 501 instead of failing half-way.
 */
import type { MeetingRecord } from './types.ts';

export interface PersonalDataStorage {
	/** Every document that is not deleted (meetings and group documents), oldest first. */
	listMeetingRecords(): Promise<MeetingRecord[]>;
	/** Sets the label (the invitee's name) of these invitations of the meeting; returns how many changed. */
	relabelInvitations(meetingId: string, invitationIds: readonly string[], label: string): Promise<number>;
}

export function isPersonalDataStorage(storage: object): storage is PersonalDataStorage {
	return ['listMeetingRecords', 'relabelInvitations'].every((name) => typeof (storage as Record<string, unknown>)[name] === 'function');
}
