import { describe, expect, it } from 'vitest';
import { expectMeetingError } from '../../../tests/fixtures/meeting-assertions.js';
import { at } from '../../../tests/fixtures/meeting-factories.js';
import { buildFormalMeeting } from '../../../tests/fixtures/formal-meeting.js';
import {
	addProposition,
	addReservation,
	breakTie,
	castBallot,
	closeSecretVote,
	closeVote,
	decideByAcclamation,
	markSecretVoted,
	openVote,
	readDecisionRounds,
	readMeeting,
	recordRoundDecision,
	secretBallotRefusal,
	setItemConflict,
	updateParticipant
} from './index.js';

function withMotion() {
	const meeting = buildFormalMeeting();
	const motion = addProposition(meeting.doc, meeting.items.detaljplan, {
		kind: 'motion',
		text: 'Detaljplanen återremitteras.',
		mover: { participantId: meeting.members[3] },
		now: at('09:10')
	});
	return { ...meeting, motion };
}

describe('propositions and votes', () => {
	it('an acclamation finds for a proposition whose text becomes the decision', () => {
		const { doc, items, original, motion, members } = withMotion();
		const round = decideByAcclamation(doc, items.detaljplan, { propositionIds: [original, motion], winnerId: original, now: at('09:20') });
		const decisionId = recordRoundDecision(doc, round, { now: at('09:21') });
		addReservation(doc, items.detaljplan, decisionId, { who: { participantId: members[3] }, text: 'Till förmån för mitt yrkande.' });
		const item = readMeeting(doc).agenda[1];
		expect(item.decisions.map((d) => [d.id, d.text, d.reservations.length])).toEqual([
			[decisionId, 'Byggnadsnämnden antar detaljplanen för kvarteret Eken.', 1]
		]);
		expect(item.formal?.rounds[0]).toMatchObject({ method: 'acclamation', winnerPropositionId: original, decisionId });
		expect(item.formal?.propositions.map((p) => [p.kind, p.mover?.name ?? null])).toEqual([
			['original', null],
			['motion', 'David Dahl']
		]);
	});

	it('a named vote leaves out the member with jäv and refuses a second ballot', () => {
		const { doc, items, original, motion, members, deputies } = withMotion();
		const item = items.detaljplan;
		setItemConflict(doc, item, members[8], { note: 'Äger fastighet i planområdet.' });
		// Karin serves in Ingrid's place; Jonas (not serving) has no vote.
		updateParticipant(doc, deputies[1], { serving: true });
		const round = openVote(doc, item, { method: 'open', yesPropositionId: original, noPropositionId: motion, now: at('09:30') });
		const [view] = readDecisionRounds(doc, item);
		expect(view.voters).toEqual([...members.slice(0, 8), deputies[1]]);
		expectMeetingError(() => castBallot(doc, round, members[8], 'yes'), 'INVALID_STATE');
		expectMeetingError(() => castBallot(doc, round, deputies[0], 'yes'), 'INVALID_STATE');

		const choices = ['yes', 'yes', 'no', 'no', 'yes', 'abstain', 'yes', 'no', 'yes'] as const;
		view.voters.forEach((voter, i) =>
			castBallot(doc, round, voter, choices[i], { recordedBy: i < 2 ? members[0] : null, now: at('09:31') })
		);
		expectMeetingError(() => castBallot(doc, round, members[1], 'no'), 'INVALID_STATE');
		closeVote(doc, round, { now: at('09:35') });
		const [closed] = readDecisionRounds(doc, item);
		expect(closed.counts).toEqual({ yes: 5, no: 3, abstain: 1, absent: 0 });
		expect(closed.winnerPropositionId).toBe(original);
		expect(closed.ballots.map((b) => [b.participantId, b.choice, b.recordedBy])).toEqual(
			view.voters.map((voter, i) => [voter, choices[i], i < 2 ? members[0] : null])
		);
		expectMeetingError(() => castBallot(doc, round, members[2], 'yes'), 'INVALID_STATE');
	});

	it('a closed vote is counted without names, and a tie waits for the lot', () => {
		const { doc, items, original, motion, members, deputies } = withMotion();
		const item = items.detaljplan;
		const acclamation = decideByAcclamation(doc, item, { propositionIds: [original, motion], winnerId: original, now: at('09:20') });
		const round = openVote(doc, item, {
			method: 'closed',
			yesPropositionId: original,
			noPropositionId: motion,
			roundId: acclamation,
			now: at('09:21')
		});
		expect(round).toBe(acclamation);
		// A secret ballot never goes into the document: the server keeps the count.
		expectMeetingError(() => castBallot(doc, round, members[0], 'yes'), 'INVALID_STATE');
		expectMeetingError(() => closeVote(doc, round), 'INVALID_STATE');
		expect(secretBallotRefusal(doc, round, deputies[0])).toBe('not-a-voter');
		expect(secretBallotRefusal(doc, 'NoSuchRound00000', members[0])).toBe('no-round');
		for (const voter of members.slice(0, 8)) {
			expect(secretBallotRefusal(doc, round, voter)).toBeNull();
			markSecretVoted(doc, round, voter);
		}
		markSecretVoted(doc, round, members[0]);
		const [open] = readDecisionRounds(doc, item);
		expect(open.voted).toEqual(members.slice(0, 8));
		expect(open.counts).toEqual({ yes: 0, no: 0, abstain: 0, absent: 1 });
		closeSecretVote(doc, round, { yes: 4, no: 4, abstain: 0 });
		expect(secretBallotRefusal(doc, round, members[0])).toBe('not-open');
		const [tied] = readDecisionRounds(doc, item);
		expect(tied).toMatchObject({ method: 'closed', tied: true, winnerPropositionId: null, acclamationWinnerId: original });
		expect(tied.ballots).toEqual([]);
		expect(tied.counts).toEqual({ yes: 4, no: 4, abstain: 0, absent: 1 });
		expect(doc.getMap('ballots').size).toBe(0);
		expectMeetingError(() => recordRoundDecision(doc, round), 'INVALID_STATE');
		breakTie(doc, round, motion);
		expect(readDecisionRounds(doc, item)[0]).toMatchObject({ winnerPropositionId: motion, tieBreak: 'lot', tied: false });
		const decisionId = recordRoundDecision(doc, round);
		expect(readMeeting(doc).agenda[1].decisions.find((d) => d.id === decisionId)?.text).toBe('Detaljplanen återremitteras.');
	});

	it('refuses a vote between a proposition and itself, or one of another item', () => {
		const { doc, items, original } = withMotion();
		const other = addProposition(doc, items.personal, { kind: 'original', text: 'Annat.' });
		expectMeetingError(
			() => openVote(doc, items.detaljplan, { method: 'open', yesPropositionId: original, noPropositionId: original }),
			'INVALID_INPUT',
			'noPropositionId'
		);
		expectMeetingError(
			() => openVote(doc, items.detaljplan, { method: 'open', yesPropositionId: original, noPropositionId: other }),
			'INVALID_INPUT',
			'propositionId'
		);
	});
});
