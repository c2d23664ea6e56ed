/**
 * Fills a new meeting of a group: header (date, time and place from the previous
 * meeting's "Nästa möte"), the roster as participants, the template as agenda, the link
 * to the group, and every matter still open carried under the outstanding item. Runs on
 * the server, which stores the result as the new meeting's first update.
 */
import type * as Y from 'yjs';
import {
	addItem,
	addParticipant,
	carryOutstanding,
	initMeeting,
	readMeeting,
	setGroupLink,
	type OutstandingOrigin
} from '../meeting/index.js';
import type { GroupView } from './group.js';

export interface NextMeetingPlan {
	groupId: string;
	sequence: number;
	title: string;
	date: string | null;
	startTime: string | null;
	place: string | null;
}

/** Date, time and place for the meeting after `previous`, from its header's next-meeting fields. */
export function planFromPrevious(previous: Y.Doc | null): Pick<NextMeetingPlan, 'date' | 'startTime' | 'place'> {
	if (!previous) return { date: null, startTime: null, place: null };
	const { nextMeeting } = readMeeting(previous).header;
	return { date: nextMeeting.date, startTime: nextMeeting.time, place: nextMeeting.place };
}

export interface FilledMeeting {
	outstandingItemId: string | null;
	nextMeetingItemId: string | null;
	carried: string[];
}

export function fillGroupMeeting(
	doc: Y.Doc,
	group: GroupView,
	plan: NextMeetingPlan,
	carry: readonly OutstandingOrigin[],
	now?: Date | string
): FilledMeeting {
	initMeeting(doc, {
		title: plan.title,
		groupName: group.name || null,
		date: plan.date,
		startTime: plan.startTime,
		place: plan.place,
		now
	});
	for (const member of group.roster) {
		addParticipant(doc, { name: member.name, organisation: member.organisation, role: member.role, now });
	}
	let outstandingItemId: string | null = null;
	let nextMeetingItemId: string | null = null;
	for (const item of group.template) {
		const id = addItem(doc, { title: item.title, kind: item.kind, plannedMinutes: item.plannedMinutes, now });
		if (item.role === 'outstanding' && outstandingItemId === null) outstandingItemId = id;
		if (item.role === 'next_meeting' && nextMeetingItemId === null) nextMeetingItemId = id;
	}
	setGroupLink(doc, { groupId: plan.groupId, sequence: plan.sequence, outstandingItemId, nextMeetingItemId });
	const carried = carryOutstanding(doc, carry, { itemId: outstandingItemId, now });
	return { outstandingItemId, nextMeetingItemId, carried };
}
