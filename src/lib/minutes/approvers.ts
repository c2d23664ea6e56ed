/**
 * Who must approve the minutes (justera): the adjusters, and for a protokoll also the chair,
 * first, as the minutes are signed. The server fixes this list when the minutes are marked
 * ready (server/minutes/approval.ts); the minutes print it under "Justeras".
 */
import type { MeetingView, ParticipantView } from '../meeting/index.js';

export function approversOf(view: MeetingView): ParticipantView[] {
	return [
		...(view.header.kind === 'minutes' ? view.participants.filter((p) => p.role === 'chair') : []),
		...view.participants.filter((p) => p.role === 'adjuster')
	];
}
