/**
 * Formal procedure in the minutes, written as Swedish protokoll do: jäv in the matter, the
 * proposals and motions, "Ordföranden ställer proposition på … och finner att nämnden
 * beslutat enligt …", "Omröstning begärs och verkställs", the voteringsproposition and the
 * result, and each named vote's voting list as an appendix ("Bilaga 1"). Also the public
 * version's stand-in for a confidential item. `build.ts` calls these at three points.
 */
import { simpleList } from './notes.js';
import { m } from '../paraglide/messages.js';
import type { AgendaItemView, DecisionRoundView, MeetingView, ParticipantView, PropositionView } from '../meeting/index.js';
import { isoDate, joinList, longDate } from './format.js';
import { appealEndsOn, type NoticeRecord } from './notice.js';
import type { ItemBlock, MinutesBlock, MinutesLocale } from './types.js';

/** "Byggnadsnämnden" → "byggnadsnämnden", "Styrelsen" → "styrelsen"; otherwise "nämnden". */
export function bodyName(view: MeetingView, locale: MinutesLocale): string {
	const group = view.header.groupName?.trim() ?? '';
	if (locale === 'sv' && /^\p{Lu}\p{Ll}+(en|et|an)$/u.test(group)) return group.charAt(0).toLowerCase() + group.slice(1);
	return m.minutes_doc_formal_body({}, { locale });
}

function genitive(name: string, locale: MinutesLocale): string {
	if (locale === 'en') return `${name}'s`;
	return /[sxz]$/i.test(name) ? name : `${name}s`;
}

export function propositionName(proposition: PropositionView | undefined, locale: MinutesLocale): string {
	if (!proposition) return '?';
	if (proposition.label) return proposition.label;
	if (proposition.kind === 'motion' && proposition.mover) {
		return m.minutes_doc_formal_motion_of({ genitive: genitive(proposition.mover.name, locale) }, { locale });
	}
	return m.minutes_doc_formal_original({}, { locale });
}

/** Appendix numbers of the named votes, in agenda order: the voting lists ("Bilaga 1", "Bilaga 2", …). */
export function votingListNumbers(view: MeetingView, options: { publicVersion: boolean }): Map<string, number> {
	const numbers = new Map<string, number>();
	for (const item of view.agenda) {
		if (options.publicVersion && item.confidentialGround) continue;
		for (const round of item.formal?.rounds ?? []) {
			if (round.method === 'open' && round.status === 'closed') numbers.set(round.id, numbers.size + 1);
		}
	}
	return numbers;
}

function capitalise(text: string): string {
	return text.charAt(0).toUpperCase() + text.slice(1);
}

/** "ersättare" / "tjänstgörande ersättare" after a deputy's name in the participant list. */
export function seatDetails(person: ParticipantView, locale: MinutesLocale): string[] {
	if (person.seat !== 'deputy') return [];
	return [person.serving ? m.minutes_doc_formal_serving({}, { locale }) : m.minutes_doc_formal_deputy({}, { locale })];
}

function sentence(text: string): string {
	const trimmed = text.trim();
	return /[.!?…]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

function roundLines(
	view: MeetingView,
	item: AgendaItemView,
	round: DecisionRoundView,
	appendix: number | undefined,
	locale: MinutesLocale
): string[] {
	const propositions = item.formal?.propositions ?? [];
	const name = (id: string | null) => propositionName(propositions.find((p) => p.id === id), locale);
	const body = bodyName(view, locale);
	const lines: string[] = [];
	if (round.acclamationWinnerId) {
		lines.push(
			m.minutes_doc_formal_put(
				{ propositions: joinList(round.propositionIds.map(name), locale), body, winner: name(round.acclamationWinnerId) },
				{ locale }
			)
		);
	}
	if (round.method === 'acclamation') return lines;
	lines.push(m.minutes_doc_formal_vote_requested({}, { locale }));
	if (round.method === 'closed') lines.push(m.minutes_doc_formal_vote_closed({}, { locale }));
	lines.push(m.minutes_doc_formal_vote_proposition({ yes: name(round.yesPropositionId), no: name(round.noPropositionId) }, { locale }));
	if (round.status === 'open') {
		lines.push(m.minutes_doc_formal_vote_pending({}, { locale }));
		return lines;
	}
	const counts = { yes: String(round.counts.yes), no: String(round.counts.no), body };
	if (round.winnerPropositionId === null) {
		lines.push(m.formal_tied({}, { locale }));
	} else if (round.tieBreak) {
		const winner = name(round.winnerPropositionId);
		lines.push(
			round.tieBreak === 'casting'
				? m.minutes_doc_formal_vote_tie_casting({ ...counts, winner }, { locale })
				: m.minutes_doc_formal_vote_tie_lot({ ...counts, winner }, { locale })
		);
	} else {
		const winner = name(round.winnerPropositionId);
		lines.push(
			round.counts.abstain > 0
				? m.minutes_doc_formal_vote_result({ ...counts, winner, abstain: String(round.counts.abstain) }, { locale })
				: m.minutes_doc_formal_vote_result_no_abstain({ ...counts, winner }, { locale })
		);
	}
	if (appendix !== undefined) lines.push(m.minutes_doc_formal_vote_list_ref({ number: String(appendix) }, { locale }));
	return lines;
}

/** The formal blocks of an item, before its decisions: jäv, proposals, motions, the decision procedure. */
export function formalItemBlocks(
	view: MeetingView,
	item: AgendaItemView,
	appendices: ReadonlyMap<string, number>,
	locale: MinutesLocale
): ItemBlock[] {
	const formal = item.formal;
	if (!formal) return [];
	const blocks: ItemBlock[] = [];
	if (formal.conflicts.length > 0) {
		blocks.push({
			type: 'paragraph',
			lines: formal.conflicts.map((c) => {
				const line = m.minutes_doc_formal_item_conflict({ name: c.who.name }, { locale });
				return c.note ? `${line} ${sentence(c.note)}` : line;
			})
		});
	}
	const originals = formal.propositions.filter((p) => p.kind === 'original');
	if (originals.length > 0) {
		blocks.push({ type: 'label', text: m.minutes_doc_formal_original_heading({}, { locale }) });
		blocks.push({ type: 'paragraph', lines: originals.map((p) => (p.label ? `${capitalise(p.label)}: ${p.text}` : p.text)) });
	}
	const motions = formal.propositions.filter((p) => p.kind === 'motion');
	if (motions.length > 0) {
		blocks.push({ type: 'label', text: m.minutes_doc_formal_motions_heading({}, { locale }) });
		blocks.push({
			...simpleList(motions.map((p) => ({ text: m.minutes_doc_formal_motion_line({ name: p.mover?.name ?? propositionName(p, locale), text: p.text }, { locale }) })))
		});
	}
	const process = formal.rounds.flatMap((round) => roundLines(view, item, round, appendices.get(round.id), locale));
	if (process.length > 0) {
		blocks.push({ type: 'label', text: m.minutes_doc_formal_process_heading({}, { locale }) });
		blocks.push({ type: 'paragraph', lines: process });
	}
	return blocks;
}

/** What the public version prints for a confidential item instead of its content. */
export function confidentialBlocks(item: AgendaItemView, locale: MinutesLocale): ItemBlock[] {
	return [{ type: 'paragraph', lines: [m.minutes_doc_formal_confidential({ ground: item.confidentialGround ?? '' }, { locale })] }];
}

/** The voting lists of named votes, one appendix section each, after the body. */
export function votingListAppendices(
	view: MeetingView,
	appendices: ReadonlyMap<string, number>,
	locale: MinutesLocale,
	onlyItemId?: string
): MinutesBlock[] {
	const people = new Map([...view.participants, ...view.removedParticipants].map((p) => [p.id, p.name]));
	const out: MinutesBlock[] = [];
	for (const item of view.agenda) {
		if (onlyItemId !== undefined && item.id !== onlyItemId) continue;
		for (const round of item.formal?.rounds ?? []) {
			const number = appendices.get(round.id);
			if (number === undefined) continue;
			const name = (id: string | null) => propositionName(item.formal?.propositions.find((p) => p.id === id), locale);
			const choice = (voter: string) => {
				const ballot = round.ballots.find((b) => b.participantId === voter);
				if (!ballot) return m.minutes_doc_formal_ballot_none({}, { locale });
				return ballot.choice === 'yes'
					? m.minutes_doc_formal_ballot_yes({}, { locale })
					: ballot.choice === 'no'
						? m.minutes_doc_formal_ballot_no({}, { locale })
						: m.minutes_doc_formal_ballot_abstain({}, { locale });
			};
			out.push({
				type: 'section',
				title: m.minutes_doc_formal_appendix({ number: String(number), item: item.number }, { locale }),
				blocks: [
					{ type: 'paragraph', lines: [m.minutes_doc_formal_appendix_question({ yes: name(round.yesPropositionId), no: name(round.noPropositionId) }, { locale })] },
					simpleList(round.voters.map((voter) => ({ text: `${people.get(voter) ?? '?'}: ${choice(voter)}` }))),
					{
						type: 'paragraph',
						lines: [
							m.minutes_doc_formal_appendix_totals(
								{ yes: String(round.counts.yes), no: String(round.counts.no), abstain: String(round.counts.abstain) },
								{ locale }
							)
						]
					}
				]
			});
		}
	}
	return out;
}

/**
 * "Bevis om anslag", printed after the signatures: organ, meeting date, approval date, the
 * notice's dates, where the minutes are kept, when the appeal period ends, a signature line.
 */
export function noticeBlock(
	notice: NoticeRecord,
	meeting: { body: string; meetingDate: string | null; approvedAt: string },
	locale: MinutesLocale
): { heading: string; lines: string[] } {
	const date = (value: string) => longDate(value, locale, false);
	const rows: [string, string][] = [
		[m.minutes_doc_notice_body({}, { locale }), meeting.body],
		...(meeting.meetingDate ? [[m.minutes_doc_notice_meeting_date({}, { locale }), date(meeting.meetingDate)] as [string, string]] : []),
		[m.minutes_doc_notice_approved({}, { locale }), date(isoDate(meeting.approvedAt))],
		[m.minutes_doc_notice_posted({}, { locale }), date(notice.postedOn)],
		[m.minutes_doc_notice_take_down({}, { locale }), date(notice.takeDownOn)],
		[m.minutes_doc_notice_kept_at({}, { locale }), notice.keptAt],
		[m.minutes_doc_notice_appeal_ends({}, { locale }), date(appealEndsOn(notice.postedOn))]
	];
	return {
		heading: m.minutes_doc_notice_heading({}, { locale }),
		lines: [...rows.map(([label, value]) => `${label}: ${value}`), '', m.minutes_doc_notice_signature({}, { locale })]
	};
}
