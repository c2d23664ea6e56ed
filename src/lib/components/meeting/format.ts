/** Labels and formats shared by the meeting components; all text through paraglide. */
import { m } from '$lib/paraglide/messages.js';
import type {
	AgendaItemView,
	BreakTime,
	ItemTime,
	Attendance,
	ItemKind,
	ItemStatus,
	MeetingStatus,
	ParkingDestination,
	ParticipantRole,
	PersonRef,
	PersonView
} from '$lib/meeting';

/*
 * The room's one time format: whole minutes ("11 av 3 min", "8 min över tiden", "4 min kvar").
 * Planned times are whole minutes, so spent and planned read in the same unit, and the text
 * stays still between minutes (nothing ticks for screen magnifiers or readers).
 */

/** "11 av 3 min", or "11 min" when nothing is planned. */
export function spentText(time: ItemTime): string {
	return time.plannedMinutes === null
		? m.day_time_spent({ spent: String(time.spentMinutes) })
		: m.room_time_spent_of_planned({ spent: String(time.spentMinutes), planned: String(time.plannedMinutes) });
}

/** "8 min över tiden", or null while within the planned time. */
export function overText(time: ItemTime): string | null {
	return time.overMinutes > 0 ? m.day_time_over({ minutes: String(time.overMinutes) }) : null;
}

export function breakText(time: BreakTime): string {
	switch (time.kind) {
		case 'left':
			return m.day_break_left({ left: String(time.minutes) });
		case 'ended':
			return m.day_break_ended();
		case 'over':
			return m.day_break_over({ over: String(time.minutes) });
	}
}

export function itemLabel(item: Pick<AgendaItemView, 'number' | 'title'>): string {
	return `${item.number}. ${item.title}`;
}

export function personRef(person: PersonView): PersonRef {
	return person.participantId ? { participantId: person.participantId } : { name: person.name };
}

export function kindLabel(kind: ItemKind | null): string {
	switch (kind) {
		case 'information':
			return m.room_kind_information();
		case 'discussion':
			return m.room_kind_discussion();
		case 'decision':
			return m.room_kind_decision();
		default:
			return m.room_kind_none();
	}
}

export function statusLabel(status: ItemStatus): string {
	switch (status) {
		case 'pending':
			return m.room_item_pending();
		case 'active':
			return m.room_item_active();
		case 'done':
			return m.room_item_done();
		case 'suspended':
			return m.room_item_suspended();
		case 'tabled':
			return m.room_item_tabled();
		case 'not_reached':
			return m.room_item_not_reached();
	}
}

export function meetingStatusLabel(status: MeetingStatus): string {
	switch (status) {
		case 'planned':
			return m.room_meeting_planned();
		case 'open':
			return m.room_meeting_open();
		case 'paused':
			return m.room_meeting_paused();
		case 'closed':
			return m.room_meeting_closed();
	}
}

export function roleLabel(role: ParticipantRole): string {
	switch (role) {
		case 'chair':
			return m.room_role_chair();
		case 'secretary':
			return m.room_role_secretary();
		case 'adjuster':
			return m.room_role_adjuster();
		case 'member':
			return m.room_role_member();
		case 'guest':
			return m.room_role_guest();
		case 'presenter':
			return m.room_role_presenter();
		case 'observer':
			return m.room_role_observer();
	}
}

export function attendanceLabel(attendance: Attendance): string {
	switch (attendance) {
		case 'room':
			return m.room_attendance_room();
		case 'remote':
			return m.room_attendance_remote();
		case 'absent':
			return m.room_attendance_absent();
	}
}

export function destinationLabel(destination: ParkingDestination): string {
	switch (destination.kind) {
		case 'next_meeting':
			return m.room_destination_next_meeting();
		case 'extra_meeting':
			return destination.date
				? m.room_destination_extra_meeting_on({ date: [destination.date, destination.time].filter(Boolean).join(' ') })
				: m.room_destination_extra_meeting();
		case 'date':
			return m.room_destination_date({ date: [destination.date, destination.time].filter(Boolean).join(' ') });
		case 'unspecified':
			return m.room_destination_unspecified();
	}
}

/** Builds a destination from a form's kind, date and clock time fields (a time without a date is dropped). */
export function destinationFrom(kind: string, date: string, time = ''): ParkingDestination {
	const at = date && time ? { time } : {};
	switch (kind) {
		case 'next_meeting':
			return { kind: 'next_meeting' };
		case 'extra_meeting':
			return { kind: 'extra_meeting', date: date || null, ...at };
		case 'date':
			return date ? { kind: 'date', date, ...at } : { kind: 'unspecified' };
		default:
			return { kind: 'unspecified' };
	}
}

/** Empty form fields are null in the model. */
export function orNull(value: string): string | null {
	const trimmed = value.trim();
	return trimmed.length > 0 ? trimmed : null;
}

/** A typed name: a participant's becomes a reference to them, anything else stays free text. */
export function resolvePerson(name: string, participants: readonly { id: string; name: string }[]): PersonRef | null {
	const trimmed = name.trim();
	if (!trimmed) return null;
	const match = participants.find((p) => p.name.toLocaleLowerCase('sv') === trimmed.toLocaleLowerCase('sv'));
	return match ? { participantId: match.id } : { name: trimmed };
}
