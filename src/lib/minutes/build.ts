/**
 * MeetingView → Minutes: the header, participants, the items in the order they were
 * handled, the live flow as sentences and the signature block, laid out like the seeds.
 *
 * The order comes from replaying the event log: each time an item becomes current a new
 * stretch of it starts ("Punkt 7 återupptas." opens the second stretch of item 7). Items
 * never handled (not reached, tabled before they came up, or a meeting not yet held) are
 * printed just before the next agenda item that was handled, so they keep their agenda
 * position among their neighbours: the seed prints item 8 after "Mötet bryts för punkt 9"
 * and before item 9. Decisions and assignments go to the stretch during which they were
 * written (the last one that started before them); notes belong to the first stretch.
 */
import { m } from '../paraglide/messages.js';
import type {
	AgendaItemView,
	DecisionView,
	MeetingEventView,
	MeetingView,
	ParkingDestination,
	ParkingLotEntryView,
	ParticipantView
} from '../meeting/index.js';
import { approversOf } from './approvers.js';
import { isoDate, joinList, longDate, dateTime, timeSpan, weekdayDate } from './format.js';
import { confidentialBlocks, formalItemBlocks, noticeBlock, seatDetails, votingListAppendices, votingListNumbers } from './formal.js';
import { placedNotesBlocks, simpleList } from './notes.js';
import type {
	ApprovalState,
	ItemBlock,
	ItemSection,
	Minutes,
	MinutesBlock,
	MinutesLocale,
	MinutesOptions,
	ParticipantGroup,
	PersonLine,
	SignatureColumn
} from './types.js';

interface Stretch {
	readonly item: AgendaItemView;
	readonly start: number;
	readonly lead: 'resumed' | 'continued' | null;
	/** Flow sentences that close it: "Mötet bryts för punkt 9 på agendan.", "Punkten bordläggs …". */
	readonly tail: string[];
}

type Entry = { kind: 'stretch'; stretch: Stretch } | { kind: 'sentence'; text: string };

interface Context {
	readonly view: MeetingView;
	readonly locale: MinutesLocale;
	readonly items: ReadonlyMap<string, AgendaItemView>;
	readonly people: ReadonlyMap<string, ParticipantView>;
	/** The public version: confidential items show their title and legal ground only. */
	readonly publicVersion: boolean;
	/** Appendix number of each named vote's voting list. */
	readonly appendices: ReadonlyMap<string, number>;
	readonly fileUrl?: (attachmentId: string) => string;
}

function contextOf(view: MeetingView, locale: MinutesLocale, publicVersion = false, fileUrl?: (attachmentId: string) => string): Context {
	return {
		fileUrl,
		view,
		locale,
		items: new Map(view.agenda.map((item) => [item.id, item])),
		people: new Map([...view.participants, ...view.removedParticipants].map((p) => [p.id, p])),
		publicVersion,
		appendices: votingListNumbers(view, { publicVersion })
	};
}

function time(iso: string | null): number {
	const value = iso === null ? Number.NaN : Date.parse(iso);
	return Number.isNaN(value) ? 0 : value;
}

function sentence(text: string): string {
	const trimmed = text.trim();
	return /[.!?…]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

/** "torsdagen den 3 december 2026 kl 19.00": the weekday written out, as the minutes name a meeting day. */
function when(date: string, time: string | undefined, locale: MinutesLocale): string {
	const day = weekdayDate(date, locale);
	const at = time ? timeSpan(time, null, locale) : null;
	return at ? `${day} ${at}` : day;
}

function destinationText(destination: ParkingDestination, locale: MinutesLocale): string | null {
	switch (destination.kind) {
		case 'next_meeting':
			return m.minutes_doc_destination_next({}, { locale });
		case 'extra_meeting':
			return destination.date
				? m.minutes_doc_destination_extra_date({ date: when(destination.date, destination.time, locale) }, { locale })
				: m.minutes_doc_destination_extra({}, { locale });
		case 'date':
			return m.minutes_doc_destination_date({ date: when(destination.date, destination.time, locale) }, { locale });
		case 'unspecified':
			return null;
	}
}

function tabledSentence(context: Context, event: MeetingEventView, rest = false): string {
	const { locale } = context;
	const entry = context.view.parkingLot.find((p) => p.id === event.parkingEntryId);
	const destination = entry ? destinationText(entry.destination, locale) : null;
	const text = rest
		? destination
			? m.minutes_doc_rest_tabled_to({ destination }, { locale })
			: m.minutes_doc_rest_tabled({}, { locale })
		: destination
			? m.minutes_doc_tabled_to({ destination }, { locale })
			: m.minutes_doc_tabled({}, { locale });
	const reason = event.note ?? entry?.reason ?? null;
	return reason ? `${text} ${sentence(reason)}` : text;
}

/** Replays the applied events into stretches and sentences, in the order they happened. */
function replayFlow(context: Context): {
	entries: Entry[];
	closing: string | null;
	statusOfUnhandled: Map<string, string[]>;
	stretches: Map<string, Stretch[]>;
	/** Items tabled with "the rest of the agenda": covered by one sentence, not printed one by one. */
	tabledWithRest: Set<string>;
} {
	const { locale } = context;
	const entries: Entry[] = [];
	const stretches = new Map<string, Stretch[]>();
	const statusOfUnhandled = new Map<string, string[]>();
	let current: Stretch | null = null;
	let closing: string | null = null;
	const tabledWithRest = new Set<string>();
	const batchesWritten = new Set<string>();
	const batchOf = (event: MeetingEventView) => context.view.parkingLot.find((p) => p.id === event.parkingEntryId)?.batchId;
	/** A break that began while an item was current: moved into that item if the item's own flow goes on after it. */
	let breakDuring: { stretch: Stretch; entry: Entry } | null = null;
	const flowSentences = context.view.header.openingClosing !== false;

	const open = (itemId: string | null, at: string, lead: Stretch['lead']) => {
		current = null;
		const item = itemId ? context.items.get(itemId) : undefined;
		if (!item) return;
		const previous = stretches.get(item.id) ?? [];
		const stretch: Stretch = { item, start: time(at), lead: lead ?? (previous.length > 0 ? 'continued' : null), tail: [] };
		stretches.set(item.id, [...previous, stretch]);
		entries.push({ kind: 'stretch', stretch });
		current = stretch;
	};
	/** A status sentence for an item: closes its last stretch, or heads it if it was never handled. */
	const status = (itemId: string | null, text: string) => {
		if (!itemId || !context.items.has(itemId)) return;
		const handled = stretches.get(itemId);
		const last = handled?.[handled.length - 1];
		if (last && breakDuring?.stretch === last) {
			// "Kort paus" came before this sentence: it belongs in the item, before it (not after the item).
			const { entry } = breakDuring;
			entries.splice(entries.indexOf(entry), 1);
			if (entry.kind === 'sentence') last.tail.push(entry.text);
			breakDuring = null;
		}
		if (handled) handled[handled.length - 1].tail.push(text);
		else statusOfUnhandled.set(itemId, [...(statusOfUnhandled.get(itemId) ?? []), text]);
	};

	for (const event of context.view.events) {
		if (!event.applied) continue;
		switch (event.type) {
			case 'meeting_opened': {
				if (!flowSentences) break;
				const by = context.people.get(event.by ?? '');
				entries.push({
					kind: 'sentence',
					text: !by
						? m.minutes_doc_opened({}, { locale })
						: by.role === 'chair'
							? m.minutes_doc_opened_by_chair({ name: by.name }, { locale })
							: m.minutes_doc_opened_by({ name: by.name }, { locale })
				});
				break;
			}
			case 'item_started':
				breakDuring = null;
				open(event.itemId, event.at, null);
				break;
			case 'item_completed':
				current = null;
				break;
			case 'item_suspended': {
				const forNumber = event.forItemId ? context.items.get(event.forItemId)?.number : undefined;
				const text = forNumber
					? m.minutes_doc_suspended_for({ number: forNumber }, { locale })
					: m.minutes_doc_suspended({}, { locale });
				status(event.itemId, event.note ? `${text} ${sentence(event.note)}` : text);
				if (event.forItemId) open(event.forItemId, event.at, null);
				else current = null;
				break;
			}
			case 'item_resumed':
				breakDuring = null;
				open(event.itemId, event.at, 'resumed');
				break;
			case 'item_tabled': {
				const batch = batchOf(event);
				if (batch && event.itemId && !stretches.has(event.itemId)) {
					tabledWithRest.add(event.itemId);
					if (!batchesWritten.has(batch)) {
						batchesWritten.add(batch);
						entries.push({ kind: 'sentence', text: tabledSentence(context, event, true) });
					}
				} else {
					status(event.itemId, tabledSentence(context, event));
				}
				if ((current as Stretch | null)?.item.id === event.itemId) current = null;
				break;
			}
			case 'item_not_reached':
				status(event.itemId, m.minutes_doc_not_reached({}, { locale }));
				break;
			case 'break_started': {
				const entry: Entry = { kind: 'sentence', text: event.note ? sentence(event.note) : m.minutes_doc_break({}, { locale }) };
				entries.push(entry);
				const during = current as Stretch | null;
				breakDuring = during ? { stretch: during, entry } : null;
				break;
			}
			case 'break_ended':
				break;
			case 'meeting_closed': {
				current = null;
				const by = context.people.get(event.by ?? '');
				closing = event.note
					? sentence(event.note)
					: !flowSentences
						? null
						: !by
							? m.minutes_doc_closed({}, { locale })
							: by.role === 'chair'
								? m.minutes_doc_closed_by_chair({ name: by.name }, { locale })
								: m.minutes_doc_closed_by({ name: by.name }, { locale });
				break;
			}
		}
	}
	return { entries, closing, statusOfUnhandled, stretches, tabledWithRest };
}

function decisionBlock(context: Context, decision: DecisionView, number: string | null): ItemBlock {
	const { locale } = context;
	return {
		type: 'decision',
		number,
		text: decision.text,
		note: decision.note,
		remarks: [
			...decision.reservations.map((r) => {
				const base = m.minutes_doc_reservation({ name: r.who.name }, { locale });
				return r.text ? `${base} ${sentence(r.text)}` : base;
			}),
			...decision.conflictsOfInterest.map((c) => {
				const base = m.minutes_doc_conflict({ name: c.who.name }, { locale });
				return c.note ? `${base} ${sentence(c.note)}` : base;
			})
		]
	};
}

function parkingLine(context: Context, entry: ParkingLotEntryView): string {
	const { locale } = context;
	const destination = destinationText(entry.destination, locale);
	const parts = [entry.text];
	if (destination) parts.push(m.minutes_doc_parking_to({ destination }, { locale }));
	if (entry.resolvedAt) parts.push(entry.resolution ? sentence(entry.resolution) : m.minutes_doc_parking_resolved({}, { locale }));
	return parts.join(' ');
}

/** Which stretch of an item something written at `at` belongs to: the last one started before it. */
function stretchIndexAt(starts: readonly number[], at: string | null): number {
	const t = time(at);
	let index = 0;
	starts.forEach((start, i) => {
		if (start <= t) index = i;
	});
	return index;
}

interface ItemContentOptions {
	readonly includeRecipients: boolean;
}

/**
 * "Beslut" and the decisions that follow it, numbered as the item says: through the item
 * when it has several (the default, as the seeds do), within this "Beslut" when it holds
 * several, or not at all.
 */
function decisionGroup(context: Context, item: AgendaItemView, list: readonly DecisionView[]): ItemBlock[] {
	const { locale } = context;
	const footnoted = list.some((d) => d.note?.startsWith('*'));
	const numbering = item.decisionNumbering ?? 'item';
	const number = (decision: DecisionView, index: number): string | null =>
		numbering === 'none'
			? null
			: numbering === 'block'
				? list.length > 1
					? `${index + 1})`
					: null
				: item.decisions.length > 1
					? `${decision.number})`
					: null;
	return [
		{ type: 'label', text: `${m.minutes_doc_decision({}, { locale })}${footnoted ? '*' : ''}` },
		...list.map((decision, index) => decisionBlock(context, decision, number(decision, index)))
	];
}

/**
 * The notes with the decisions taken among them: each anchored decision follows the
 * block (paragraph, list, sub-heading) its anchor falls in or after; decisions at the
 * same place share one "Beslut".
 */
function notesWithDecisions(context: Context, item: AgendaItemView, anchored: readonly DecisionView[]): ItemBlock[] {
	const placed = placedNotesBlocks(item.notes);
	const after = placed.map((): DecisionView[] => []);
	const before: DecisionView[] = [];
	for (const decision of anchored) {
		const offset = decision.notesOffset ?? item.notes.length;
		let index = -1;
		placed.forEach((block, i) => {
			if (block.start < offset) index = i;
		});
		(index < 0 ? before : after[index]).push(decision);
	}
	const blocks: ItemBlock[] = before.length > 0 ? decisionGroup(context, item, before) : [];
	placed.forEach((block, i) => {
		blocks.push(block.block);
		if (after[i].length > 0) blocks.push(...decisionGroup(context, item, after[i]));
	});
	return blocks;
}

const NEXT_MEETING_TITLES = ['nästa möte', 'next meeting'];

function isNextMeetingItem(item: AgendaItemView): boolean {
	return item.depth === 0 && NEXT_MEETING_TITLES.some((t) => item.title.trim().toLowerCase().startsWith(t));
}

/** "Planeringskonferens, torsdagen den 21 september 2023 kl 12.00, Häringe slott", or null when nothing is filled in. */
function nextMeetingLine(context: Context): string | null {
	const { locale, view } = context;
	const next = view.header.nextMeeting;
	if (!next.date && !next.time && !next.place && !next.note) return null;
	const at = next.date ? when(next.date, next.time ?? undefined, locale) : timeSpan(next.time, null, locale);
	return sentence([next.note, at, next.place].filter(Boolean).join(', '));
}

/** The blocks of each stretch of an item (one entry per stretch start). */
function itemContent(context: Context, item: AgendaItemView, starts: readonly number[], options: ItemContentOptions): ItemBlock[][] {
	const { locale } = context;
	const perStretch: ItemBlock[][] = starts.map(() => []);
	const first = perStretch[0];
	// Where this device does not hold a confidential item's content (a role that may not read it), as in the public version.
	if ((context.publicVersion || item.contentUnavailable) && item.confidentialGround) {
		first.push(...confidentialBlocks(item, locale));
		return perStretch;
	}

	if (item.presenters.length > 0) {
		first.push({
			type: 'paragraph',
			lines: [m.minutes_doc_presenters({ names: joinList(item.presenters.map((p) => p.name), locale) }, { locale })]
		});
	}
	const decisions = starts.map((): DecisionView[] => []);
	const anchored: DecisionView[] = [];
	for (const decision of item.decisions) {
		const index = stretchIndexAt(starts, decision.createdAt);
		// A decision placed in the notes is printed there; the notes belong to the first stretch.
		if (index === 0 && decision.notesOffset !== undefined) anchored.push(decision);
		else decisions[index].push(decision);
	}
	first.push(...notesWithDecisions(context, item, anchored));
	const next = isNextMeetingItem(item) ? nextMeetingLine(context) : null;
	// Where the secretary wrote the next meeting in the item's notes, those words stand alone.
	if (next && item.notes.trim() === '') first.push({ type: 'paragraph', lines: [next] });
	// Handlingar: the uploaded files (current versions) after the linked documents, by name, linked when the caller gives addresses.
	const files = (item.attachments ?? []).filter((f) => f.replacedBy === null);
	if (item.documents.length > 0 || files.length > 0) {
		first.push({ type: 'label', text: m.minutes_doc_documents({}, { locale }) });
		first.push(
			simpleList([
				...item.documents.map((d) => ({ text: d.title, url: d.url })),
				...files.map((f) => ({ text: f.name, url: context.fileUrl?.(f.id) ?? null }))
			])
		);
	}
	first.push(...formalItemBlocks(context.view, item, context.appendices, locale));

	decisions.forEach((list, i) => {
		if (list.length > 0) perStretch[i].push(...decisionGroup(context, item, list));
	});

	for (const assignment of item.assignments) {
		const due = assignment.dueDate ?? assignment.dueText;
		const parts = [{ label: m.minutes_doc_assignment({}, { locale }), value: assignment.text }];
		if (assignment.owner) parts.push({ label: m.minutes_doc_owner({}, { locale }), value: assignment.owner.name });
		if (due) parts.push({ label: m.minutes_doc_due({}, { locale }), value: due });
		perStretch[stretchIndexAt(starts, assignment.createdAt)].push({
			type: 'assignment',
			parts,
			done: assignment.status === 'done' ? m.minutes_doc_assignment_done({}, { locale }) : null
		});
	}

	const questions = context.view.parkingLot.filter((p) => p.kind === 'question' && p.sourceItemId === item.id);
	const questionsPerStretch = starts.map((): ParkingLotEntryView[] => []);
	for (const question of questions) questionsPerStretch[stretchIndexAt(starts, question.createdAt)].push(question);
	questionsPerStretch.forEach((list, i) => {
		if (list.length === 0) return;
		perStretch[i].push({ type: 'label', text: m.minutes_doc_parking({}, { locale }) });
		perStretch[i].push(simpleList(list.map((q) => ({ text: parkingLine(context, q) }))));
	});

	if (options.includeRecipients && item.extractRecipients.length > 0) {
		const last = perStretch[perStretch.length - 1];
		last.push({ type: 'label', text: m.minutes_doc_recipients({}, { locale }) });
		last.push(simpleList(item.extractRecipients.map((text) => ({ text }))));
	}
	return perStretch;
}

/** Whether anyone wrote anything in the item during the meeting (not just prepared it). */
function hasWritten(item: AgendaItemView): boolean {
	return item.notes.trim() !== '' || item.decisions.length > 0 || item.assignments.length > 0;
}

function section(context: Context, item: AgendaItemView, continuation: string | null, blocks: ItemBlock[]): ItemSection {
	return {
		type: 'item',
		itemId: item.id,
		number: item.number,
		depth: item.depth,
		title: item.title,
		kindNote: item.kind === 'decision' ? m.minutes_doc_decision_item({}, { locale: context.locale }) : null,
		continuation,
		blocks
	};
}

function itemSections(context: Context, options: ItemContentOptions): { body: MinutesBlock[]; closing: string | null } {
	const { locale } = context;
	const flow = replayFlow(context);
	const sectionsOf = new Map<Stretch, ItemSection>();
	const unhandled = new Map<string, ItemSection>();

	for (const item of context.view.agenda) {
		const stretches = flow.stretches.get(item.id);
		if (!stretches) {
			const [blocks] = itemContent(context, item, [0], options);
			// Tabled with the rest of the agenda and nothing written in it: the one sentence says it.
			if (flow.tabledWithRest.has(item.id) && !hasWritten(item)) continue;
			unhandled.set(item.id, section(context, item, null, [
				...(flow.statusOfUnhandled.get(item.id) ?? []).map((text): ItemBlock => ({ type: 'flow', text })),
				...blocks
			]));
			continue;
		}
		const content = itemContent(context, item, stretches.map((s) => s.start), options);
		stretches.forEach((stretch, i) => {
			const lead =
				stretch.lead === 'resumed'
					? m.minutes_doc_resumed({ number: item.number }, { locale })
					: stretch.lead === 'continued'
						? m.minutes_doc_continued({ number: item.number }, { locale })
						: null;
			const blocks = [...content[i], ...stretch.tail.map((text): ItemBlock => ({ type: 'flow', text }))];
			// Going back to an item and leaving it again without writing anything is not worth a line.
			if (stretch.lead === 'continued' && blocks.length === 0) return;
			sectionsOf.set(stretch, section(context, item, lead, blocks));
		});
	}

	// Each unhandled item goes before the first stretch of the next agenda item that was handled.
	const before = new Map<string, ItemSection[]>();
	const trailing: ItemSection[] = [];
	const agenda = context.view.agenda;
	agenda.forEach((item, index) => {
		const pending = unhandled.get(item.id);
		if (!pending) return;
		const anchor = agenda.slice(index + 1).find((later) => flow.stretches.has(later.id));
		if (anchor) before.set(anchor.id, [...(before.get(anchor.id) ?? []), pending]);
		else trailing.push(pending);
	});

	const body: MinutesBlock[] = [];
	const headed = new Set<string>();
	/** An item's section, after its heading ("Frågor från Botkyrka") the first time the item is printed. */
	const push = (section: ItemSection) => {
		const heading = context.items.get(section.itemId)?.heading;
		if (heading && !headed.has(section.itemId)) body.push({ type: 'heading', text: heading });
		headed.add(section.itemId);
		body.push(section);
	};
	const placed = new Set<string>();
	for (const entry of flow.entries) {
		if (entry.kind === 'sentence') {
			body.push({ type: 'flow', text: entry.text });
			continue;
		}
		const { stretch } = entry;
		if (!placed.has(stretch.item.id)) {
			placed.add(stretch.item.id);
			(before.get(stretch.item.id) ?? []).forEach(push);
		}
		const built = sectionsOf.get(stretch);
		if (built) push(built);
	}
	trailing.forEach(push);
	return { body, closing: flow.closing };
}

function itemNumbers(context: Context, itemIds: readonly string[]): string {
	const numbers = itemIds.map((id) => context.items.get(id)?.number).filter((n): n is string => Boolean(n));
	return joinList(numbers, context.locale);
}

/** Whether people who took part remotely carry "(digitalt)": not when nobody or everybody did (the place says it). */
function marksRemote(context: Context): boolean {
	const marking = context.view.header.remoteMarking;
	if (marking) return marking === 'per_person';
	const present = context.view.participants.filter((p) => p.attendance !== 'absent');
	return !(present.length > 0 && present.every((p) => p.attendance === 'remote'));
}

function personLine(context: Context, person: ParticipantView, listedAsOther: boolean): PersonLine {
	const { locale } = context;
	const details: string[] = [];
	if (person.organisation) details.push(person.organisation);
	if (person.title) details.push(person.title);
	if (person.role === 'chair') details.push(m.minutes_doc_role_chair({}, { locale }));
	if (person.role === 'secretary') details.push(m.minutes_doc_role_secretary({}, { locale }));
	details.push(...seatDetails(person, locale));
	const scope = person.items;
	if (scope.scope !== 'all' && person.attendance !== 'absent') {
		const items = itemNumbers(context, scope.itemIds);
		if (items) {
			if (scope.scope === 'except') details.push(m.minutes_doc_except_items({ items }, { locale }));
			else if (listedAsOther) details.push(m.minutes_doc_for_items({ items }, { locale }));
			else details.push(m.minutes_doc_only_items({ items }, { locale }));
		}
	}
	let text = details.join(', ');
	if (person.attendance === 'remote' && marksRemote(context)) text = [text, m.minutes_doc_remote({}, { locale })].filter(Boolean).join(' ');
	return { name: person.name, details: text };
}

function participantGroups(context: Context): ParticipantGroup[] {
	const { locale } = context;
	const present = context.view.participants.filter((p) => p.attendance !== 'absent');
	const groups: ParticipantGroup[] = [
		{
			label: m.minutes_doc_participants({}, { locale }),
			people: present.filter((p) => p.section === 'members').map((p) => personLine(context, p, false))
		},
		{
			label: m.minutes_doc_absent({}, { locale }),
			people: context.view.participants.filter((p) => p.attendance === 'absent').map((p) => personLine(context, p, false))
		},
		{
			label: m.minutes_doc_others({}, { locale }),
			people: present.filter((p) => p.section === 'others').map((p) => personLine(context, p, true))
		}
	];
	return groups.filter((g) => g.people.length > 0);
}

function approvalDate(approval: ApprovalState | null | undefined, person: ParticipantView): string | null {
	const entry = approval?.approvals.find((a) => a.participantId === person.id);
	return entry ? isoDate(entry.at) : null;
}

function signatureColumns(context: Context, approval: ApprovalState | null | undefined): SignatureColumn[] {
	const { locale, view } = context;
	const formal = view.header.kind === 'minutes';
	const secretaries = view.participants.filter((p) => p.role === 'secretary');
	const approvers = approversOf(view);
	const roleWord = (p: ParticipantView) =>
		!formal ? null : p.role === 'chair' ? m.minutes_doc_role_chair({}, { locale }) : m.minutes_doc_role_adjuster({}, { locale });
	return [
		{
			label: m.minutes_doc_recorded_by({}, { locale }),
			people: secretaries.map((p) => ({ name: p.name, role: null, date: null }))
		},
		{
			label: approval?.approvedAt ? m.minutes_doc_approved({}, { locale }) : m.minutes_doc_to_approve({}, { locale }),
			people: approvers.map((p) => ({ name: p.name, role: roleWord(p), date: approvalDate(approval, p) }))
		}
	];
}

/** A role as the minutes write it ("ordförande", "arrangör"); an unknown one as "deltagare", never the code word. */
function roleName(role: string, locale: MinutesLocale): string {
	switch (role) {
		case 'chair':
			return m.minutes_doc_role_chair({}, { locale });
		case 'secretary':
			return m.minutes_doc_role_secretary({}, { locale });
		case 'adjuster':
			return m.minutes_doc_role_adjuster({}, { locale });
		case 'organiser':
			return m.minutes_doc_role_organiser({}, { locale });
		default:
			return m.minutes_doc_role_other({}, { locale });
	}
}

function sealOf(context: Context, approval: ApprovalState | null | undefined): Minutes['seal'] {
	if (!approval || (!approval.ready && approval.approvals.length === 0 && !approval.frozenAt)) return null;
	const { locale } = context;
	const lines: string[] = [];
	if (approval.ready) {
		// Without a secretary in the meeting the server records the acting role ("organiser"): name it in the minutes' language.
		const name = approval.ready.participantId === null ? roleName(approval.ready.name, locale) : approval.ready.name;
		lines.push(m.minutes_doc_seal_ready({ time: dateTime(approval.ready.at, locale), name }, { locale }));
	}
	for (const entry of approval.approvals) {
		lines.push(
			m.minutes_doc_seal_approval({ name: entry.name, role: roleName(entry.role, locale), time: dateTime(entry.at, locale) }, { locale })
		);
	}
	if (approval.frozenAt) lines.push(m.minutes_doc_seal_frozen({ time: dateTime(approval.frozenAt, locale) }, { locale }));
	if (approval.fingerprint) lines.push(m.minutes_doc_seal_fingerprint({ fingerprint: approval.fingerprint }, { locale }));
	return { heading: m.minutes_doc_seal_heading({}, { locale }), lines };
}

function headerFields(context: Context): Minutes['fields'] {
	const { locale, view } = context;
	const { header } = view;
	const fields: { label: string; value: string }[] = [];
	const time = [header.date ? longDate(header.date, locale) : null, timeSpan(header.startTime, header.endTime, locale)]
		.filter(Boolean)
		.join(' ');
	if (time) fields.push({ label: m.minutes_doc_time({}, { locale }), value: time });
	const place = header.place ?? (header.remoteMarking === 'meeting' ? m.minutes_doc_place_digital({}, { locale }) : null);
	if (place) fields.push({ label: m.minutes_doc_place({}, { locale }), value: place });
	return fields;
}

function notices(context: Context, options: MinutesOptions): string[] {
	const { locale } = context;
	const previous = options.previousVersionId ?? options.approval?.previousVersionId ?? null;
	const next = options.approval?.nextVersionId ?? null;
	return [
		...(previous ? [m.minutes_doc_previous_version({ id: previous }, { locale })] : []),
		...(next ? [m.minutes_doc_next_version({ id: next }, { locale })] : [])
	];
}

/** "Nästa möte" as its own section, unless the minutes print an agenda item for it (as in the seeds): then it is there. */
function nextMeetingSection(context: Context, body: readonly MinutesBlock[]): MinutesBlock | null {
	const line = nextMeetingLine(context);
	const printed = body.some((b) => b.type === 'item' && isNextMeetingItem(context.items.get(b.itemId)!));
	if (!line || printed) return null;
	return { type: 'section', title: m.minutes_doc_next_meeting({}, { locale: context.locale }), blocks: [{ type: 'paragraph', lines: [line] }] };
}

function looseQuestions(context: Context): MinutesBlock | null {
	const questions = context.view.parkingLot.filter(
		(p) => p.kind === 'question' && (!p.sourceItemId || !context.items.has(p.sourceItemId))
	);
	if (questions.length === 0) return null;
	return {
		type: 'section',
		title: m.minutes_doc_parking({}, { locale: context.locale }),
		blocks: [simpleList(questions.map((q) => ({ text: parkingLine(context, q) })))]
	};
}

/** The full minutes of a meeting. */
export function buildMinutes(view: MeetingView, options: MinutesOptions = {}): Minutes {
	const locale = options.locale ?? 'sv';
	const context = contextOf(view, locale, options.publicVersion, options.fileUrl);
	const { body, closing } = itemSections(context, { includeRecipients: true });
	const extra = [looseQuestions(context), nextMeetingSection(context, body)].filter((b): b is MinutesBlock => b !== null);
	const kindLine =
		view.header.kind === 'minutes' ? m.minutes_doc_kind_minutes({}, { locale }) : m.minutes_doc_kind_notes({}, { locale });
	const group = view.header.groupName ?? view.header.title;
	return {
		locale,
		kind: view.header.kind,
		kindLine,
		group,
		heading: view.header.minutesHeading ?? `${kindLine} ${group}`,
		fields: headerFields(context),
		notices: notices(context, options),
		participants: participantGroups(context),
		body: [
			...body,
			...extra,
			...(closing ? [{ type: 'flow' as const, text: closing }] : []),
			...votingListAppendices(view, context.appendices, locale)
		],
		signatures: signatureColumns(context, options.approval),
		seal: sealOf(context, options.approval),
		notice: noticeOf(context, options)
	};
}

function noticeOf(context: Context, options: MinutesOptions): Minutes['notice'] {
	const approvedAt = options.approval?.approvedAt;
	if (!options.notice || !approvedAt) return null;
	const { view, locale } = context;
	const body = view.header.groupName ?? view.header.title;
	return noticeBlock(options.notice, { body, meetingDate: view.header.date, approvedAt }, locale);
}

/**
 * Protokollsutdrag: the header, one item (every stretch of it, with its flow sentences and
 * decisions), the signature block and "Beslutet ska skickas till".
 */
export function buildExtract(view: MeetingView, itemId: string, options: MinutesOptions = {}): Minutes {
	const locale = options.locale ?? 'sv';
	const context = contextOf(view, locale, options.publicVersion, options.fileUrl);
	const item = context.items.get(itemId);
	if (!item) throw new Error(`No agenda item ${itemId} in this meeting`);
	const { body } = itemSections(context, { includeRecipients: false });
	const sections = body.filter((b): b is ItemSection => b.type === 'item' && b.itemId === itemId);
	const recipients: MinutesBlock[] =
		item.extractRecipients.length > 0
			? [
					{
						type: 'section',
						title: m.minutes_doc_recipients({}, { locale }),
						blocks: [simpleList(item.extractRecipients.map((text) => ({ text })))]
					}
				]
			: [];
	return {
		locale,
		kind: 'extract',
		kindLine: m.minutes_doc_kind_extract({}, { locale }),
		group: view.header.groupName ?? view.header.title,
		heading: `${m.minutes_doc_kind_extract({}, { locale })} ${view.header.groupName ?? view.header.title}`,
		fields: headerFields(context),
		notices: notices(context, options),
		participants: [],
		body: [...sections, ...recipients, ...votingListAppendices(view, context.appendices, locale, itemId)],
		signatures: signatureColumns(context, options.approval),
		seal: sealOf(context, options.approval),
		notice: noticeOf(context, options)
	};
}
