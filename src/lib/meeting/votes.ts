/**
 * Propositions and decision rounds of an item.
 *
 * The chair records the propositions (förslag): the original proposal and each yrkande
 * with its mover. A decision round puts propositions against each other: the chair finds a
 * majority by acclamation ("finner att nämnden beslutat enligt …"), and when a vote is
 * requested, it is held between a Ja and a Nej proposition, open (named) or closed (sluten).
 * The voters are fixed when the vote opens (those with the right to vote present for the
 * item, see quorum.ts); each casts one ballot from their own device, or the chair records
 * one given by voice. A tie is broken by the chair's casting vote (open) or by lot (closed).
 * The winning proposition's text becomes a decision of the item, where reservations attach.
 *
 * An open vote's ballots are keyed `<roundId>:<participantId>` and written once. A closed
 * (secret) vote never puts a ballot in the document: voters cast it through the server,
 * which stores who has voted apart from the running count, so no record links a name to a
 * choice. The server writes here only `secretVoted/<roundId>:<participantId>` (has voted) and,
 * when it closes the vote, `secretTallies/<roundId>` (the count) with the round's result
 * (`markSecretVoted`, `closeSecretVote`; server/votes).
 *
 * A confidential item's propositions and rounds live in the confidential part, in roots of the
 * same names (`voteDocOf`): every operation finds them in the document that holds them.
 */
import * as Y from 'yjs';
import { invalid, invalidState, notFound } from './errors.js';
import { checkPersonRefs, getLiveEntity, requireWritable, roots } from './doc.js';
import { voteDocOf, voteDocsOf } from './confidential.js';
import { addDecision } from './decisions.js';
import { formalRoots, idArg, pairKey, plainRecord, splitPairKey, str, type Plain } from './formal-doc.js';
import { newId } from './ids.js';
import { appendKey } from './order.js';
import { quorumFor } from './quorum.js';
import { readRoster, resolvePerson } from './read-people.js';
import {
	BALLOT_CHOICES,
	PROPOSITION_KINDS,
	VOTE_METHODS,
	type BallotChoice,
	type DecisionRoundView,
	type PersonRef,
	type PropositionKind,
	type PropositionView,
	type TimeInput,
	type VoteCounts,
	type VoteMethod
} from './types.js';
import { LIMITS, oneOf, optionalText, personRef, requiredText, timestamp } from './validate.js';

export interface PropositionInput {
	kind: PropositionKind;
	text: string;
	/** How the minutes name it, e.g. "arbetsutskottets förslag"; a motion is named after its mover when omitted. */
	label?: string | null;
	mover?: PersonRef | null;
	now?: TimeInput;
}

function requireItem(doc: Y.Doc, itemId: string): void {
	getLiveEntity(requireWritable(doc).items, idArg(itemId, 'itemId'), 'item');
}

/** The document holding the item's propositions and rounds; an error on a device without it (confidential). */
function placeOf(doc: Y.Doc, itemId: string): Y.Doc {
	const at = voteDocOf(doc, itemId);
	if (!at) throw invalidState(`item ${itemId} is confidential and its propositions are not available on this device`);
	return at;
}

interface Held {
	record: Plain;
	/** The document that holds it: the meeting document or the confidential part. */
	at: Y.Doc;
}

function held(doc: Y.Doc, root: 'propositions' | 'votes', id: string): Held | null {
	for (const at of voteDocsOf(doc)) {
		const record = plainRecord(formalRoots(at)[root].get(id));
		if (record) return { record, at };
	}
	return null;
}

function proposition(doc: Y.Doc, id: string, itemId?: string): Held {
	const found = held(doc, 'propositions', idArg(id, 'propositionId'));
	if (!found || str(found.record, 'deletedAt') !== null) throw notFound('proposition', id);
	if (itemId !== undefined && found.record.itemId !== itemId) throw invalid('propositionId', `proposition ${id} belongs to another item`);
	return found;
}

function round(doc: Y.Doc, roundId: string): Held {
	const found = held(doc, 'votes', idArg(roundId, 'roundId'));
	if (!found || str(found.record, 'deletedAt') !== null) throw notFound('decision round', roundId);
	return found;
}

function stringList(value: unknown): string[] {
	return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** Records a proposition (förslag or yrkande) on an item; returns its id. */
export function addProposition(doc: Y.Doc, itemId: string, input: PropositionInput): string {
	requireItem(doc, itemId);
	if (typeof input !== 'object' || input === null) throw invalid('proposition', 'must be an object');
	const kind = oneOf(input.kind, PROPOSITION_KINDS, 'kind');
	const text = requiredText(input.text, 'text', LIMITS.longText);
	const label = optionalText(input.label, 'label', LIMITS.title) ?? null;
	const mover = input.mover == null ? null : personRef(input.mover, 'mover');
	if (mover) checkPersonRefs(roots(doc).participants, [mover], 'mover');
	const createdAt = timestamp(input.now);
	const at = placeOf(doc, itemId);
	const { propositions } = formalRoots(at);
	const orders: string[] = [];
	propositions.forEach((value) => {
		const record = plainRecord(value);
		if (record?.itemId === itemId) orders.push(str(record, 'order') ?? '');
	});
	const id = newId();
	at.transact(() => propositions.set(id, { itemId, kind, label, text, mover, order: appendKey(orders), createdAt, deletedAt: null }));
	return id;
}

export function updateProposition(
	doc: Y.Doc,
	propositionId: string,
	patch: { text?: string; label?: string | null; mover?: PersonRef | null }
): void {
	requireWritable(doc);
	const { record, at } = proposition(doc, propositionId);
	if (typeof patch !== 'object' || patch === null) throw invalid('patch', 'must be an object');
	const next: Plain = { ...record };
	if (patch.text !== undefined) next.text = requiredText(patch.text, 'text', LIMITS.longText);
	const label = optionalText(patch.label, 'label', LIMITS.title);
	if (label !== undefined) next.label = label;
	if (patch.mover !== undefined) {
		const mover = patch.mover === null ? null : personRef(patch.mover, 'mover');
		if (mover) checkPersonRefs(roots(doc).participants, [mover], 'mover');
		next.mover = mover;
	}
	at.transact(() => formalRoots(at).propositions.set(propositionId, next));
}

/** Withdrawn (tombstone): a round that already put it keeps naming it. */
export function removeProposition(doc: Y.Doc, propositionId: string, options: { now?: TimeInput } = {}): void {
	requireWritable(doc);
	const { record, at } = proposition(doc, propositionId);
	const removedAt = timestamp(options.now);
	at.transact(() => formalRoots(at).propositions.set(propositionId, { ...record, deletedAt: removedAt }));
}

function checkPut(doc: Y.Doc, itemId: string, ids: unknown, field: string): string[] {
	if (!Array.isArray(ids) || ids.length === 0) throw invalid(field, 'must list at least one proposition');
	const unique = [...new Set(ids as unknown[])].map((id) => idArg(id, field));
	for (const id of unique) proposition(doc, id, itemId);
	return unique;
}

/**
 * "Ordföranden ställer proposition på … och finner att nämnden beslutat enligt …": the chair
 * puts the propositions and finds a majority for `winnerId` by acclamation. Returns the round's id.
 */
export function decideByAcclamation(
	doc: Y.Doc,
	itemId: string,
	input: { propositionIds: readonly string[]; winnerId: string; now?: TimeInput }
): string {
	requireItem(doc, itemId);
	const propositionIds = checkPut(doc, itemId, input.propositionIds, 'propositionIds');
	const winnerId = idArg(input.winnerId, 'winnerId');
	if (!propositionIds.includes(winnerId)) throw invalid('winnerId', 'must be one of the propositions put');
	const at = timestamp(input.now);
	const id = newId();
	const place = placeOf(doc, itemId);
	place.transact(() =>
		formalRoots(place).votes.set(id, {
			itemId,
			propositionIds,
			acclamationWinnerId: winnerId,
			method: 'acclamation',
			yesPropositionId: null,
			noPropositionId: null,
			status: 'closed',
			voters: [],
			winnerPropositionId: winnerId,
			tieBreak: null,
			decisionId: null,
			createdAt: at,
			closedAt: at,
			deletedAt: null
		})
	);
	return id;
}

/**
 * "Omröstning begärs och verkställs": a vote between a Ja and a Nej proposition, open or
 * closed. Given a `roundId` of an acclamation round, the vote continues it (the minutes then
 * print the chair's finding first). The voters are fixed now. Returns the round's id.
 */
export function openVote(
	doc: Y.Doc,
	itemId: string,
	input: {
		method: 'open' | 'closed';
		yesPropositionId: string;
		noPropositionId: string;
		roundId?: string;
		now?: TimeInput;
	}
): string {
	requireItem(doc, itemId);
	const method = oneOf(input.method, ['open', 'closed'] as const, 'method');
	const yes = idArg(input.yesPropositionId, 'yesPropositionId');
	const no = idArg(input.noPropositionId, 'noPropositionId');
	if (yes === no) throw invalid('noPropositionId', 'must differ from the Ja proposition');
	proposition(doc, yes, itemId);
	proposition(doc, no, itemId);
	const previous = input.roundId === undefined ? null : round(doc, input.roundId).record;
	if (previous && (previous.itemId !== itemId || previous.method !== 'acclamation' || str(previous, 'decisionId') !== null)) {
		throw invalidState('only an acclamation without a recorded decision can go to a vote');
	}
	for (const other of rounds(doc, itemId)) {
		if (other.status === 'open') throw invalidState('a vote on this item is already open');
	}
	const voters = quorumFor(doc, itemId, readRoster(doc)).voters;
	if (voters.length === 0) throw invalidState('nobody present has the right to vote on this item');
	const at = timestamp(input.now);
	const id = input.roundId ?? newId();
	const putBefore = previous ? stringList(previous.propositionIds) : [];
	const place = placeOf(doc, itemId);
	place.transact(() =>
		formalRoots(place).votes.set(id, {
			itemId,
			propositionIds: [...new Set([...putBefore, yes, no])],
			acclamationWinnerId: previous ? str(previous, 'acclamationWinnerId') : null,
			method,
			yesPropositionId: yes,
			noPropositionId: no,
			status: 'open',
			voters: [...voters],
			winnerPropositionId: null,
			tieBreak: null,
			decisionId: null,
			createdAt: previous ? (str(previous, 'createdAt') ?? at) : at,
			closedAt: null,
			deletedAt: null
		})
	);
	return id;
}

/**
 * One ballot: cast by the voter on their own device, or recorded by the chair for a voter
 * in the room (`recordedBy`). A second ballot by the same voter is refused.
 */
export function castBallot(
	doc: Y.Doc,
	roundId: string,
	participantId: string,
	choice: BallotChoice,
	options: { recordedBy?: string | null; now?: TimeInput } = {}
): void {
	requireWritable(doc);
	const { record, at: place } = round(doc, roundId);
	const voter = idArg(participantId, 'participantId');
	const value = oneOf(choice, BALLOT_CHOICES, 'choice');
	if (record.status !== 'open') throw invalidState('the vote is not open');
	if (!stringList(record.voters).includes(voter)) throw invalidState('this participant has no vote in this round');
	if (record.method === 'closed') throw invalidState('a secret vote is cast through the server');
	const recordedBy = options.recordedBy == null ? null : idArg(options.recordedBy, 'recordedBy');
	const key = pairKey(roundId, voter);
	const { ballots } = formalRoots(place);
	if (ballots.get(key) != null) throw invalidState('this participant has already voted');
	const at = timestamp(options.now);
	place.transact(() => ballots.set(key, { choice: value, at, recordedBy }));
}

function ballotsOf(doc: Y.Doc, roundId: string, voters: readonly string[]): Map<string, Plain> {
	const allowed = new Set(voters);
	const found = new Map<string, Plain>();
	formalRoots(doc).ballots.forEach((value, key) => {
		const pair = splitPairKey(key);
		const record = plainRecord(value);
		if (!pair || pair[0] !== roundId || !record || !allowed.has(pair[1])) return;
		if ((BALLOT_CHOICES as readonly unknown[]).includes(record.choice)) found.set(pair[1], record);
	});
	return found;
}

function countOf(ballots: Map<string, Plain>, voters: readonly string[]): VoteCounts {
	let yes = 0;
	let no = 0;
	let abstain = 0;
	for (const ballot of ballots.values()) {
		if (ballot.choice === 'yes') yes++;
		else if (ballot.choice === 'no') no++;
		else abstain++;
	}
	return { yes, no, abstain, absent: voters.length - ballots.size };
}

function winnerOf(record: Plain, counts: Pick<VoteCounts, 'yes' | 'no'>): string | null {
	return counts.yes > counts.no ? str(record, 'yesPropositionId') : counts.no > counts.yes ? str(record, 'noPropositionId') : null;
}

/** Closes the vote and counts it: more Ja than Nej wins for the Ja proposition, and so on; a tie waits for `breakTie`. */
export function closeVote(doc: Y.Doc, roundId: string, options: { now?: TimeInput } = {}): void {
	requireWritable(doc);
	const { record, at: place } = round(doc, roundId);
	if (record.status !== 'open') throw invalidState('the vote is not open');
	if (record.method === 'closed') throw invalidState('a secret vote is closed and counted by the server');
	const voters = stringList(record.voters);
	const counts = countOf(ballotsOf(place, roundId, voters), voters);
	const at = timestamp(options.now);
	place.transact(() =>
		formalRoots(place).votes.set(roundId, { ...record, status: 'closed', closedAt: at, winnerPropositionId: winnerOf(record, counts) })
	);
}

/** Why a participant may not vote in a secret vote now (no such round, not secret, not open, not listed), or null if they may. */
export function secretBallotRefusal(doc: Y.Doc, roundId: string, participantId: string): 'no-round' | 'not-secret' | 'not-open' | 'not-a-voter' | null {
	const record = held(doc, 'votes', roundId)?.record;
	if (!record || str(record, 'deletedAt') !== null) return 'no-round';
	if (record.method !== 'closed') return 'not-secret';
	if (record.status !== 'open') return 'not-open';
	return stringList(record.voters).includes(participantId) ? null : 'not-a-voter';
}

/** The server's record that a voter has voted in a secret vote (never how); idempotent. */
export function markSecretVoted(doc: Y.Doc, roundId: string, participantId: string): void {
	requireWritable(doc);
	const key = pairKey(idArg(roundId, 'roundId'), idArg(participantId, 'participantId'));
	const place = held(doc, 'votes', roundId)?.at ?? doc;
	const { secretVoted } = formalRoots(place);
	if (secretVoted.get(key) === true) return;
	place.transact(() => secretVoted.set(key, true));
}

export interface SecretTally {
	readonly yes: number;
	readonly no: number;
	readonly abstain: number;
}

/**
 * The server closes a secret vote with the count it kept: the count, and the round closed with
 * its winner (a tie waits for the lot, `breakTie`), in one transaction. A round already closed
 * keeps its result; only a missing count is written.
 */
export function closeSecretVote(doc: Y.Doc, roundId: string, tally: SecretTally, options: { now?: TimeInput } = {}): void {
	requireWritable(doc);
	const { record, at: place } = round(doc, roundId);
	if (record.method !== 'closed') throw invalidState('the vote is not a secret vote');
	const counts = { yes: tally.yes, no: tally.no, abstain: tally.abstain };
	for (const [field, count] of Object.entries(counts)) {
		if (!Number.isInteger(count) || count < 0 || count > LIMITS.list) throw invalid(field, 'must be a count');
	}
	const at = timestamp(options.now);
	const { votes, secretTallies } = formalRoots(place);
	// A round moved into the part after it closed keeps its count where the server wrote it.
	const counted = voteDocsOf(doc).some((d) => formalRoots(d).secretTallies.get(roundId) != null);
	place.transact(() => {
		if (!counted) secretTallies.set(roundId, counts);
		if (record.status === 'open') votes.set(roundId, { ...record, status: 'closed', closedAt: at, winnerPropositionId: winnerOf(record, counts) });
	});
}

/** Who has voted in a secret vote, as the server recorded it (in `docs`: where it may have written). */
function secretVotersOf(docs: readonly Y.Doc[], roundId: string, voters: readonly string[]): string[] {
	const allowed = new Set(voters);
	const found: string[] = [];
	for (const at of docs) {
		formalRoots(at).secretVoted.forEach((value, key) => {
			const pair = splitPairKey(key);
			if (pair && pair[0] === roundId && allowed.has(pair[1]) && value === true && !found.includes(pair[1])) found.push(pair[1]);
		});
	}
	return found;
}

/** A secret vote's count once the server closed it; before that only how many have voted is known. */
function secretCountOf(docs: readonly Y.Doc[], roundId: string, voters: readonly string[], voted: number): VoteCounts {
	const tally = docs
		.map((at) => plainRecord(formalRoots(at).secretTallies.get(roundId)))
		.find((found) => found !== null);
	const count = (key: string) => (typeof tally?.[key] === 'number' ? (tally[key] as number) : 0);
	const cast = tally ? count('yes') + count('no') + count('abstain') : voted;
	return { yes: count('yes'), no: count('no'), abstain: count('abstain'), absent: Math.max(0, voters.length - cast) };
}

/** A tied count: the chair's casting vote (utslagsröst) in an open vote, lot in a closed one. */
export function breakTie(doc: Y.Doc, roundId: string, winnerId: string): void {
	requireWritable(doc);
	const { record, at: place } = round(doc, roundId);
	if (record.status !== 'closed' || record.method === 'acclamation' || str(record, 'winnerPropositionId') !== null) {
		throw invalidState('only a closed, tied vote needs its tie broken');
	}
	const id = idArg(winnerId, 'winnerId');
	if (id !== record.yesPropositionId && id !== record.noPropositionId) throw invalid('winnerId', 'must be the Ja or the Nej proposition');
	place.transact(() =>
		formalRoots(place).votes.set(roundId, {
			...record,
			winnerPropositionId: id,
			tieBreak: record.method === 'open' ? 'casting' : 'lot'
		})
	);
}

/** Writes the winning proposition as a decision of the item (reservations attach there); returns its id. */
export function recordRoundDecision(doc: Y.Doc, roundId: string, options: { now?: TimeInput } = {}): string {
	requireWritable(doc);
	const { record, at: place } = round(doc, roundId);
	const winner = str(record, 'winnerPropositionId');
	if (record.status !== 'closed' || winner === null) throw invalidState('the round has no result yet');
	if (str(record, 'decisionId') !== null) throw invalidState('the decision of this round is already recorded');
	const itemId = str(record, 'itemId') ?? '';
	const text = str(proposition(doc, winner).record, 'text') ?? '';
	let decisionId = '';
	// For a confidential item both the decision and the round are in the part: one change there.
	place.transact(() =>
		doc.transact(() => {
			decisionId = addDecision(doc, itemId, { text, now: options.now });
			formalRoots(place).votes.set(roundId, { ...record, decisionId });
		})
	);
	return decisionId;
}

function rounds(doc: Y.Doc, itemId: string): Plain[] {
	const list: Plain[] = [];
	formalRoots(placeOf(doc, itemId)).votes.forEach((value) => {
		const record = plainRecord(value);
		if (record && record.itemId === itemId && str(record, 'deletedAt') === null) list.push(record);
	});
	return list;
}

/**
 * What a read looks at: `mainDocumentOnly` reads the meeting document as the server holds it
 * (the canonical export); otherwise both documents, so a confidential item's entries still in
 * the meeting document (marked before they moved, not adopted yet — or never, once approved)
 * read too.
 */
export interface VoteReadOptions {
	readonly mainDocumentOnly?: boolean;
}

/**
 * The live entries of one flat root for an item, in `docs`: an entry in both (while a move has
 * reached this device from one document and not yet from the other) is read once.
 */
function itemEntries(docs: readonly Y.Doc[], root: 'propositions' | 'votes', itemId: string): [string, Plain, Y.Doc][] {
	const found = new Map<string, [string, Plain, Y.Doc]>();
	for (const place of docs) {
		formalRoots(place)[root].forEach((value, id) => {
			const record = plainRecord(value);
			if (!record || record.itemId !== itemId || str(record, 'deletedAt') !== null || found.has(id)) return;
			found.set(id, [id, record, place]);
		});
	}
	return [...found.values()];
}

function readPlaces(doc: Y.Doc, options: VoteReadOptions): Y.Doc[] {
	return options.mainDocumentOnly ? [doc] : voteDocsOf(doc);
}

export function readPropositions(doc: Y.Doc, itemId: string, options: VoteReadOptions = {}): PropositionView[] {
	const list: (PropositionView & { order: string })[] = [];
	for (const [id, record] of itemEntries(readPlaces(doc, options), 'propositions', itemId)) {
		list.push({
			id,
			itemId,
			kind: record.kind === 'motion' ? 'motion' : 'original',
			label: str(record, 'label'),
			text: str(record, 'text') ?? '',
			mover: record.mover == null ? null : resolvePerson(doc, record.mover),
			createdAt: str(record, 'createdAt'),
			order: str(record, 'order') ?? ''
		});
	}
	return list
		.sort((a, b) => (a.order !== b.order ? (a.order < b.order ? -1 : 1) : a.id < b.id ? -1 : 1))
		.map(({ order: _order, ...view }) => view);
}

/** The item's decision rounds, oldest first. */
export function readDecisionRounds(doc: Y.Doc, itemId: string, options: VoteReadOptions = {}): DecisionRoundView[] {
	const roster = readRoster(doc).map((p) => p.id);
	const position = (id: string) => {
		const at = roster.indexOf(id);
		return at === -1 ? roster.length : at;
	};
	const list: DecisionRoundView[] = [];
	const docs = readPlaces(doc, options);
	for (const [id, record, place] of itemEntries(docs, 'votes', itemId)) {
		const method = (VOTE_METHODS as readonly unknown[]).includes(record.method) ? (record.method as VoteMethod) : 'acclamation';
		const voters = stringList(record.voters);
		const ballots = method === 'open' ? ballotsOf(place, id, voters) : new Map<string, Plain>();
		const voted = method === 'closed' ? secretVotersOf(docs, id, voters) : [...ballots.keys()];
		const status = record.status === 'open' ? 'open' : 'closed';
		const winner = str(record, 'winnerPropositionId');
		list.push({
			id,
			itemId,
			propositionIds: stringList(record.propositionIds),
			acclamationWinnerId: str(record, 'acclamationWinnerId'),
			method,
			yesPropositionId: str(record, 'yesPropositionId'),
			noPropositionId: str(record, 'noPropositionId'),
			status,
			voters,
			voted: voted.sort((a, b) => position(a) - position(b)),
			ballots:
				method === 'open'
					? [...ballots.entries()]
							.sort(([a], [b]) => position(a) - position(b))
							.map(([participantId, b]) => ({
								participantId,
								choice: b.choice as BallotChoice,
								recordedBy: str(b, 'recordedBy'),
								at: str(b, 'at')
							}))
					: [],
			counts: method === 'closed' ? secretCountOf(docs, id, voters, voted.length) : countOf(ballots, voters),
			winnerPropositionId: winner,
			tieBreak: record.tieBreak === 'casting' || record.tieBreak === 'lot' ? record.tieBreak : null,
			tied: status === 'closed' && method !== 'acclamation' && winner === null,
			decisionId: str(record, 'decisionId'),
			createdAt: str(record, 'createdAt'),
			closedAt: str(record, 'closedAt')
		});
	}
	return list.sort((a, b) => ((a.createdAt ?? '') < (b.createdAt ?? '') ? -1 : (a.createdAt ?? '') > (b.createdAt ?? '') ? 1 : a.id < b.id ? -1 : 1));
}
