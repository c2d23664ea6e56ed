/**
 * A group's token also opens the group's meetings (with the token's role), so members
 * invited to a group reach every meeting it creates without a token per meeting.
 */
import { isGroupStorage } from '../storage/group-types.ts';
import type { MeetingStorage } from '../storage/types.ts';

export async function tokenCoversGroupMeeting(storage: MeetingStorage, tokenDocumentId: string, meetingId: string): Promise<boolean> {
	if (!isGroupStorage(storage)) return false;
	const link = await storage.findMeetingGroup(meetingId);
	return link !== null && link.groupId === tokenDocumentId;
}
