/**
 * Value types of the meeting model: the enumerations, the inputs operations take and the
 * immutable views reads return. Nothing here touches Yjs.
 */

export const MEETING_KINDS = ['notes', 'minutes'] as const;
/** 'notes' = minnesanteckningar, 'minutes' = protokoll. */
export type MeetingKind = (typeof MEETING_KINDS)[number];

export const PARTICIPANT_ROLES = [
	'chair',
	'secretary',
	'adjuster',
	'member',
	'guest',
	'presenter',
	'observer'
] as const;
export type ParticipantRole = (typeof PARTICIPANT_ROLES)[number];

export const ATTENDANCES = ['room', 'remote', 'absent'] as const;
/** 'remote' = "(digitalt)", 'absent' = "Frånvarande". */
export type Attendance = (typeof ATTENDANCES)[number];

export const SEATS = ['ordinary', 'deputy'] as const;
/** A seat in the body that decides: 'ordinary' = ledamot, 'deputy' = ersättare (votes only when serving). */
export type Seat = (typeof SEATS)[number];

export const PARTICIPANT_SECTIONS = ['members', 'others'] as const;
/** Where the header lists someone: "Deltagare" or "Övriga deltagare" / "medverkar". */
export type ParticipantSection = (typeof PARTICIPANT_SECTIONS)[number];

/** Which items a participant attends: all, "endast punkt 2" (only) or "ej punkt 12" (except). */
export type ItemScope =
	| { readonly scope: 'all' }
	| { readonly scope: 'only'; readonly itemIds: readonly string[] }
	| { readonly scope: 'except'; readonly itemIds: readonly string[] };

export const ITEM_KINDS = ['information', 'discussion', 'decision'] as const;
/** 'decision' = "beslutspunkt". */
export type ItemKind = (typeof ITEM_KINDS)[number];

export const ITEM_STATUSES = ['pending', 'active', 'done', 'suspended', 'tabled', 'not_reached'] as const;
export type ItemStatus = (typeof ITEM_STATUSES)[number];

export const MEETING_STATUSES = ['planned', 'open', 'paused', 'closed'] as const;
/** 'paused' is a break ("Kort paus"). */
export type MeetingStatus = (typeof MEETING_STATUSES)[number];

export const ASSIGNMENT_STATUSES = ['open', 'done'] as const;
export type AssignmentStatus = (typeof ASSIGNMENT_STATUSES)[number];

/** A person mentioned by the meeting: a participant, or free text for someone who is not one. */
export type PersonRef = { readonly participantId: string } | { readonly name: string };

/** Where a tabled item or an open question goes next. */
export type ParkingDestination =
	| { readonly kind: 'next_meeting' }
	/**
	 * "extrainsatt möte", optionally on a known date and clock time ("torsdagen den 3
	 * december kl 19.00"). `time` is left out (not null) when unknown, so documents
	 * written before it existed read, and fingerprint, exactly as before.
	 */
	| { readonly kind: 'extra_meeting'; readonly date: string | null; readonly time?: string }
	| { readonly kind: 'date'; readonly date: string; readonly time?: string }
	| { readonly kind: 'unspecified' };

export type TimeInput = Date | string;

// ---------------------------------------------------------------- inputs

export interface NextMeetingInput {
	date?: string | null;
	time?: string | null;
	place?: string | null;
	note?: string | null;
}

/**
 * How the minutes mark people who took part remotely: each with "(digitalt)"
 * (`per_person`), nobody (`none`), or nobody because the whole meeting was digital
 * (`meeting`). Unset: `per_person`, or `meeting` when every person present was remote.
 */
export const REMOTE_MARKINGS = ['per_person', 'none', 'meeting'] as const;
export type RemoteMarking = (typeof REMOTE_MARKINGS)[number];

export interface HeaderInput {
	title?: string;
	groupName?: string | null;
	kind?: MeetingKind;
	date?: string | null;
	startTime?: string | null;
	endTime?: string | null;
	place?: string | null;
	/** The video meeting's address ("Teams-länk"), http(s); null removes it. */
	meetingLink?: string | null;
	nextMeeting?: NextMeetingInput;
	/** The minutes' own options (null: the default). */
	remoteMarking?: RemoteMarking | null;
	/** Whether the minutes print "… öppnar mötet" / "… avslutar mötet" (default true). */
	openingClosing?: boolean | null;
	/** The minutes' heading in full, e.g. "Anteckningar från ledningsgruppens möte" (null: "Minnesanteckningar från <group>"). */
	minutesHeading?: string | null;
}

export interface ParticipantInput {
	name: string;
	organisation?: string | null;
	/** Job title, e.g. "verksamhetschef". */
	title?: string | null;
	/** Where the invitation goes; never printed in the minutes. */
	email?: string | null;
	role?: ParticipantRole;
	attendance?: Attendance;
	/** Defaults from the role: guests, presenters and observers are listed as 'others'. */
	section?: ParticipantSection;
	items?: ItemScope;
	/** Ledamot or ersättare; null (the default) for officials, guests and anyone without a seat. */
	seat?: Seat | null;
	/** A deputy serving (tjänstgörande ersättare) counts and votes like a member. */
	serving?: boolean;
	/** Position among participants; appended when omitted. */
	index?: number;
	now?: TimeInput;
}

export type ParticipantPatch = Partial<Omit<ParticipantInput, 'index' | 'now'>>;

export interface ItemInput {
	title: string;
	kind?: ItemKind | null;
	plannedMinutes?: number | null;
	presenters?: readonly PersonRef[];
	guests?: readonly PersonRef[];
	notes?: string;
	/** Position among its siblings; appended when omitted. */
	index?: number;
	now?: TimeInput;
}

/**
 * How the minutes number an item's decisions: through the item when it has several
 * (`item`, the default, as the seeds do), within each "Beslut" when it holds several
 * (`block`), or not at all (`none`).
 */
export const DECISION_NUMBERINGS = ['item', 'block', 'none'] as const;
export type DecisionNumbering = (typeof DECISION_NUMBERINGS)[number];

export type ItemPatch = Partial<Pick<ItemInput, 'title' | 'kind' | 'plannedMinutes' | 'presenters' | 'guests'>> & {
	/** A heading the minutes print above this item, e.g. over sub-items 8a–b that one organisation raised (null clears it). */
	heading?: string | null;
	/** null: the default (`item`). */
	decisionNumbering?: DecisionNumbering | null;
};

export interface DocumentLinkInput {
	title: string;
	url: string;
}

export interface DecisionInput {
	text: string;
	/** A footnote such as "*Södertälje kommun deltar inte i beslutet ovan." */
	note?: string | null;
	index?: number;
	/**
	 * Where in the item's notes the decision was taken: a character offset into the notes
	 * (the decision follows the character before it, wherever later edits move that
	 * character). Omitted: no place, the decision follows the notes.
	 */
	notesOffset?: number;
	now?: TimeInput;
}

export interface AssignmentInput {
	text: string;
	owner?: PersonRef | null;
	/** YYYY-MM-DD. */
	dueDate?: string | null;
	/** A due time that is not a date, e.g. "september" or "till nästa möte". */
	dueText?: string | null;
	now?: TimeInput;
}

export type AssignmentPatch = Partial<Omit<AssignmentInput, 'now'>>;

export interface ParkingLotInput {
	text: string;
	destination?: ParkingDestination;
	/** The agenda item the question came up under, if any. */
	sourceItemId?: string | null;
	now?: TimeInput;
}

export interface TableItemInput {
	reason?: string | null;
	destination: ParkingDestination;
	by?: string | null;
	now?: TimeInput;
}

/** "Resterande punkter bordläggs till …": every item not yet handled, in one step. */
export interface TableRestInput {
	reason?: string | null;
	destination: ParkingDestination;
	by?: string | null;
	now?: TimeInput;
}

/** Options of the live operations. `by` is the participant who did it (e.g. the chair). */
export interface LiveOptions {
	now?: TimeInput;
	by?: string | null;
}

/**
 * Options of navigation. When `expectedCurrentItemId` is given (null meaning "no current
 * item") and the current item is no longer that one, the call does nothing: two people
 * pressing "next" at once move the agenda once.
 */
export interface NavigationOptions extends LiveOptions {
	expectedCurrentItemId?: string | null;
}

export interface NavigationResult {
	readonly changed: boolean;
	readonly currentItemId: string | null;
}

// ---------------------------------------------------------------- views

export interface PersonView {
	readonly participantId: string | null;
	readonly name: string;
	readonly organisation: string | null;
}

export interface NextMeetingView {
	readonly date: string | null;
	readonly time: string | null;
	readonly place: string | null;
	readonly note: string | null;
}

export interface HeaderView {
	readonly title: string;
	readonly groupName: string | null;
	readonly kind: MeetingKind;
	readonly date: string | null;
	readonly startTime: string | null;
	readonly endTime: string | null;
	readonly place: string | null;
	/** Absent unless set, so older documents' views (and fingerprints) do not change. */
	readonly meetingLink?: string;
	readonly nextMeeting: NextMeetingView;
	/** The minutes' options; each is left out while unset, so older documents read (and fingerprint) as before. */
	readonly remoteMarking?: RemoteMarking;
	readonly openingClosing?: boolean;
	readonly minutesHeading?: string;
}

export interface ParticipantView {
	readonly id: string;
	readonly name: string;
	readonly organisation: string | null;
	readonly title: string | null;
	/** Absent unless set (older documents read as before). */
	readonly email?: string;
	readonly role: ParticipantRole;
	readonly section: ParticipantSection;
	readonly attendance: Attendance;
	readonly checkedIn: boolean;
	readonly checkedInAt: string | null;
	readonly items: ItemScope;
	/** Absent when the participant has no seat. */
	readonly seat?: Seat;
	/** Present (true) only for a serving deputy. */
	readonly serving?: true;
	readonly createdAt: string | null;
	readonly deletedAt: string | null;
}

export interface DocumentLinkView {
	readonly id: string;
	readonly title: string;
	readonly url: string;
}

export interface ReservationView {
	readonly id: string;
	readonly who: PersonView;
	readonly text: string | null;
	readonly at: string | null;
}

export interface ConflictOfInterestView {
	readonly id: string;
	readonly who: PersonView;
	readonly note: string | null;
	readonly at: string | null;
}

export interface DecisionView {
	readonly id: string;
	/** 1, 2, 3… within the item, from the order. */
	readonly number: number;
	readonly text: string;
	readonly note: string | null;
	readonly reservations: readonly ReservationView[];
	readonly conflictsOfInterest: readonly ConflictOfInterestView[];
	/** Where in the item's notes it was taken (an offset into `notes`); left out when it has no place. */
	readonly notesOffset?: number;
	readonly createdAt: string | null;
	readonly deletedAt: string | null;
}

export interface AssignmentView {
	readonly id: string;
	readonly text: string;
	readonly owner: PersonView | null;
	readonly dueDate: string | null;
	readonly dueText: string | null;
	readonly status: AssignmentStatus;
	readonly doneAt: string | null;
	readonly createdAt: string | null;
	readonly deletedAt: string | null;
}

export interface AgendaItemView {
	readonly id: string;
	/** "4" for an item, "4a" for its first sub-item; derived from the order. */
	readonly number: string;
	readonly depth: 0 | 1;
	readonly parentId: string | null;
	readonly title: string;
	/** A heading the minutes print above the item; left out when there is none. */
	readonly heading?: string;
	/** Left out while the default (`item`). */
	readonly decisionNumbering?: DecisionNumbering;
	readonly kind: ItemKind | null;
	readonly plannedMinutes: number | null;
	readonly presenters: readonly PersonView[];
	readonly guests: readonly PersonView[];
	readonly documents: readonly DocumentLinkView[];
	/** Handlingar: uploaded files, current versions in order, each followed by those it replaced; left out when none. */
	readonly attachments?: readonly AttachmentView[];
	readonly status: ItemStatus;
	/** Time the item was current while the meeting ran (breaks excluded). */
	readonly timeSpentMs: number;
	readonly notes: string;
	readonly decisions: readonly DecisionView[];
	readonly removedDecisions: readonly DecisionView[];
	readonly assignments: readonly AssignmentView[];
	/** "Beslutet ska skickas till". */
	readonly extractRecipients: readonly string[];
	/** The legal ground when the item is confidential (sekretess), e.g. "OSL 39 kap. 3 §"; absent when public. */
	readonly confidentialGround?: string;
	/**
	 * Set when the item is confidential and this device does not hold its content (the role
	 * may not read the confidential part, or it has not arrived yet): notes, decisions,
	 * assignments and links read as empty.
	 */
	readonly contentUnavailable?: true;
	/** Propositions, decision rounds and jäv for the item; absent when it has none (see formal-read.ts). */
	readonly formal?: ItemFormalView;
	readonly createdAt: string | null;
	readonly deletedAt: string | null;
}

export interface ParkingLotEntryView {
	readonly id: string;
	readonly kind: 'tabled_item' | 'question';
	/** The tabled item, for 'tabled_item'. */
	readonly itemId: string | null;
	/** The item a question came up under. */
	readonly sourceItemId: string | null;
	/** The question, or for a tabled item its title at the time it was tabled. */
	readonly text: string;
	readonly reason: string | null;
	readonly destination: ParkingDestination;
	readonly createdAt: string | null;
	readonly resolvedAt: string | null;
	readonly resolution: string | null;
	readonly deletedAt: string | null;
	/** Shared by the entries of one "rest of the agenda" tabling; left out otherwise. */
	readonly batchId?: string;
}

export type MeetingEventType =
	| 'meeting_opened'
	| 'item_started'
	| 'item_completed'
	| 'item_suspended'
	| 'item_resumed'
	| 'item_tabled'
	| 'item_not_reached'
	| 'break_started'
	| 'break_ended'
	| 'meeting_closed';

export type NavigationVia = 'goto' | 'next' | 'previous';

/** One entry of the live flow log, as stored. Field presence depends on the type. */
export interface MeetingEvent {
	readonly id: string;
	readonly type: MeetingEventType;
	readonly at: string;
	readonly by: string | null;
	/** The item the event is about (started, completed, suspended, resumed, tabled, not reached). */
	readonly itemId: string | null;
	/** The item that was current when the event was written: its precondition. */
	readonly fromItemId: string | null;
	/** item_suspended: the item taken up instead ("Mötet bryts för punkt 9"). */
	readonly forItemId: string | null;
	readonly via: NavigationVia | null;
	readonly parkingEntryId: string | null;
	readonly note: string | null;
	/** break_started: how long the break is planned to be; absent when not given (and in older logs). */
	readonly minutes?: number;
}

export interface MeetingEventView extends MeetingEvent {
	/**
	 * False when the event's precondition did not hold once all replicas' events were
	 * merged (e.g. a second concurrent "next"): it is kept but has no effect.
	 */
	readonly applied: boolean;
}

export interface BreakView {
	readonly startedAt: string;
	readonly endedAt: string | null;
	readonly note: string | null;
	/** Planned length ("Kort paus, 10 min"), for the countdown; absent when not given. */
	readonly plannedMinutes?: number;
}

export interface LiveView {
	readonly status: MeetingStatus;
	readonly currentItemId: string | null;
	readonly openedAt: string | null;
	readonly closedAt: string | null;
	readonly closingNote: string | null;
	readonly onBreak: boolean;
	readonly breaks: readonly BreakView[];
}

export interface MeetingView {
	readonly initialised: boolean;
	readonly schemaVersion: number | null;
	readonly createdAt: string | null;
	readonly header: HeaderView;
	/** Not removed, in display order. */
	readonly participants: readonly ParticipantView[];
	readonly removedParticipants: readonly ParticipantView[];
	/** Not removed, flattened in order: each item followed by its sub-items. */
	readonly agenda: readonly AgendaItemView[];
	/** Removed items (tombstones), restorable, with their content intact. */
	readonly removedItems: readonly AgendaItemView[];
	readonly parkingLot: readonly ParkingLotEntryView[];
	readonly live: LiveView;
	/** The live flow log in merged order, each marked applied or not. */
	readonly events: readonly MeetingEventView[];
}

// Formal procedure: propositions, decision rounds and jäv (operations in votes.ts, quorum.ts).

export const PROPOSITION_KINDS = ['original', 'motion'] as const;
/** 'original' = the proposal the item came with (förslag till beslut); 'motion' = a yrkande made at the meeting. */
export type PropositionKind = (typeof PROPOSITION_KINDS)[number];

export const VOTE_METHODS = ['acclamation', 'open', 'closed'] as const;
/** 'open' = named (öppen), 'closed' = secret (sluten). */
export type VoteMethod = (typeof VOTE_METHODS)[number];

export const BALLOT_CHOICES = ['yes', 'no', 'abstain'] as const;
/** Ja, Nej, Avstår. */
export type BallotChoice = (typeof BALLOT_CHOICES)[number];

export interface PropositionView {
	readonly id: string;
	readonly itemId: string;
	readonly kind: PropositionKind;
	readonly label: string | null;
	readonly text: string;
	readonly mover: PersonView | null;
	readonly createdAt: string | null;
}

export interface BallotView {
	readonly participantId: string;
	readonly choice: BallotChoice;
	/** The chair (or secretary) who recorded a ballot given by voice; null when cast on the voter's own device. */
	readonly recordedBy: string | null;
	readonly at: string | null;
}

export interface VoteCounts {
	readonly yes: number;
	readonly no: number;
	readonly abstain: number;
	/** Voters who have not (yet) voted. */
	readonly absent: number;
}

export interface DecisionRoundView {
	readonly id: string;
	readonly itemId: string;
	/** The propositions put against each other, in the order put. */
	readonly propositionIds: readonly string[];
	/** The chair's finding by acclamation, if the round started with one. */
	readonly acclamationWinnerId: string | null;
	readonly method: VoteMethod;
	readonly yesPropositionId: string | null;
	readonly noPropositionId: string | null;
	readonly status: 'open' | 'closed';
	/** Who may vote: fixed when the vote opened. */
	readonly voters: readonly string[];
	/** Who has voted (for a closed vote, without how). */
	readonly voted: readonly string[];
	/** Named ballots in roster order: open votes only; always empty for a closed vote. */
	readonly ballots: readonly BallotView[];
	readonly counts: VoteCounts;
	readonly winnerPropositionId: string | null;
	readonly tieBreak: 'casting' | 'lot' | null;
	/** True when a closed count is even and the chair has not yet broken the tie. */
	readonly tied: boolean;
	readonly decisionId: string | null;
	readonly createdAt: string | null;
	readonly closedAt: string | null;
}

export interface ItemConflictRecord {
	readonly who: PersonView;
	readonly note: string | null;
	readonly at: string | null;
}

export interface ItemFormalView {
	readonly propositions: readonly PropositionView[];
	readonly rounds: readonly DecisionRoundView[];
	/** Jäv for the whole item: "X anmäler jäv och deltar inte i handläggningen." */
	readonly conflicts: readonly ItemConflictRecord[];
}

// Handlingar (operations in attachments.ts).

export interface AttachmentView {
	readonly id: string;
	readonly itemId: string;
	readonly name: string;
	readonly sha256: string;
	readonly size: number;
	readonly type: string;
	readonly order: string;
	readonly uploadedAt: string;
	/** The newer version that replaced this one; null for the current version. */
	readonly replacedBy: string | null;
}
