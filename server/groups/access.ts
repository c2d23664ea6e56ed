/**
 * A group's token also opens the group's meetings (with the token's role), so members
 * invited to a group reach every meeting it creates without a token per meeting.
 */
import type { MeetingStorage } from '../storage/types.ts';

export async function tokenCoversGroupMeeting(storage: MeetingStorage, tokenDocumentId: string, meetingId: string): Promise<boolean> {
	const link = await storage.groups.findMeetingGroup(meetingId);
	return link !== null && link.groupId === tokenDocumentId;
}
