/**
 * The speaker list (talarlista) of an item.
 *
 * A participant raises or lowers their own hand (`hands/<itemId>:<participantId>`); that is
 * all they write. The queue is the order in which hands reached the chair's replica: the
 * chair's device calls `admitHands` whenever the document changes and appends every newly
 * seen hand to `speakerQueue`. A hand raised offline is therefore queued when it arrives, not
 * at the time its device claims. Hands nobody running the meeting has seen yet are listed
 * apart (`waiting`), by their own time, until they are admitted.
 *
 * The chair gives the floor (the first in the queue, or anyone), lets a reply (replik) go
 * ahead of the queue, ends the speaker, and may set a speaking-time limit for the item.
 *
 * A confidential item's hands, queue and speeches live in the confidential part, in roots of
 * the same names (`itemDocOf`); a device without the part (an observer, a guest) reads an
 * empty list for it and may not raise a hand there.
 */
import * as Y from 'yjs';
import { invalid, invalidState, notFound } from './errors.js';
import { getLiveEntity, readNumber, requireWritable, roots } from './doc.js';
import { itemDocOf } from './confidential.js';
import { entriesFor, formalRoots, idArg, pairKey, plainRecord, str, type Plain } from './formal-doc.js';
import { newId } from './ids.js';
import { appendKey, compareOrdered, placeAt } from './order.js';
import type { TimeInput } from './types.js';
import { timestamp } from './validate.js';

export const SPEECH_KINDS = ['speak', 'reply'] as const;
/** 'reply' = replik. */
export type SpeechKind = (typeof SPEECH_KINDS)[number];

export interface QueuedSpeakerView {
	readonly participantId: string;
	/** 'reply' once the chair let it go ahead of the queue. */
	readonly kind: SpeechKind;
	/** What the participant asked for. */
	readonly requested: SpeechKind;
	readonly handAt: string | null;
}

export interface WaitingHandView {
	readonly participantId: string;
	readonly kind: SpeechKind;
	/** The time on the participant's device when they raised it. */
	readonly at: string;
}

export interface SpeechView {
	readonly id: string;
	readonly participantId: string;
	readonly kind: SpeechKind;
	readonly startedAt: string;
	readonly endedAt: string | null;
	readonly limitSeconds: number | null;
}

export interface SpeakerListView {
	readonly itemId: string;
	readonly current: SpeechView | null;
	/** In the order the chair's replica admitted the hands, replies first. */
	readonly queue: readonly QueuedSpeakerView[];
	/** Raised but not yet admitted by anyone running the meeting. */
	readonly waiting: readonly WaitingHandView[];
	/** Finished speeches, oldest first. */
	readonly spoken: readonly SpeechView[];
	readonly limitSeconds: number | null;
}

const MIN_LIMIT = 10;
const MAX_LIMIT = 3_600;

function speechKind(value: unknown): SpeechKind {
	return value === 'reply' ? 'reply' : 'speak';
}

function requireParticipant(doc: Y.Doc, participantId: string): void {
	getLiveEntity(roots(doc).participants, idArg(participantId, 'participantId'), 'participant');
}

function requireItem(doc: Y.Doc, itemId: string): Y.Map<unknown> {
	return getLiveEntity(requireWritable(doc).items, idArg(itemId, 'itemId'), 'item');
}

/** The document holding the item's speaker list; an error on a device without it (confidential). */
function listDoc(doc: Y.Doc, itemId: string): Y.Doc {
	const at = itemDocOf(doc, itemId);
	if (!at) throw invalidState(`item ${itemId} is confidential and its speaker list is not available on this device`);
	return at;
}

/** An empty document, read in place of a confidential item's list on a device without the part. */
const NOTHING = new Y.Doc();

interface QueueEntry {
	readonly id: string;
	readonly order: string;
	readonly record: Plain;
}

/** Queue entries still standing: not served, and the hand they came from still raised. */
function liveQueue(doc: Y.Doc, itemId: string): QueueEntry[] {
	const { hands, speakerQueue } = formalRoots(itemDocOf(doc, itemId) ?? NOTHING);
	return entriesFor(speakerQueue, itemId)
		.filter(([participantId, record]) => {
			const handAt = str(record, 'handAt');
			if (handAt === null) return true;
			const hand = plainRecord(hands.get(pairKey(itemId, participantId)));
			return hand?.raised === true && str(hand, 'at') === handAt;
		})
		.map(([id, record]) => ({ id, order: str(record, 'order') ?? '', record }))
		.sort(compareOrdered);
}

function runningSpeech(doc: Y.Doc, itemId: string): [string, Plain] | null {
	let found: [string, Plain] | null = null;
	formalRoots(itemDocOf(doc, itemId) ?? NOTHING).speeches.forEach((value, id) => {
		const record = plainRecord(value);
		if (!record || record.itemId !== itemId || str(record, 'endedAt') !== null) return;
		if (!found || (str(record, 'startedAt') ?? '') > (str(found[1], 'startedAt') ?? '')) found = [id, record];
	});
	return found;
}

/** Raises the participant's own hand (again, as a new request, if its kind changes). */
export function raiseHand(
	doc: Y.Doc,
	itemId: string,
	participantId: string,
	options: { kind?: SpeechKind; now?: TimeInput } = {}
): void {
	requireItem(doc, itemId);
	requireParticipant(doc, participantId);
	const kind = options.kind === undefined ? 'speak' : options.kind;
	if (!(SPEECH_KINDS as readonly string[]).includes(kind)) throw invalid('kind', 'must be speak or reply');
	const at = timestamp(options.now);
	const place = listDoc(doc, itemId);
	const { hands } = formalRoots(place);
	const key = pairKey(itemId, participantId);
	const hand = plainRecord(hands.get(key));
	if (hand?.raised === true && hand.kind === kind) return;
	place.transact(() => hands.set(key, { raised: true, kind, at }));
}

export function lowerHand(doc: Y.Doc, itemId: string, participantId: string, options: { now?: TimeInput } = {}): void {
	requireItem(doc, itemId);
	requireParticipant(doc, participantId);
	const at = timestamp(options.now);
	const place = listDoc(doc, itemId);
	const { hands } = formalRoots(place);
	const key = pairKey(itemId, participantId);
	const hand = plainRecord(hands.get(key));
	if (hand?.raised !== true) return;
	place.transact(() => hands.set(key, { raised: false, kind: speechKind(hand.kind), at }));
}

/**
 * Run by the device of someone who runs the meeting whenever the document changes: queues
 * each raised hand it sees for the first time, after everyone already queued, and clears
 * entries whose hand was lowered. Writes nothing when nothing is new. Returns how many it queued.
 */
export function admitHands(doc: Y.Doc, itemId: string, options: { now?: TimeInput } = {}): number {
	requireItem(doc, itemId);
	const queuedAt = timestamp(options.now);
	const place = itemDocOf(doc, itemId);
	// A confidential item on a device without the part: nothing it could see to admit.
	if (!place) return 0;
	const { hands, speakerQueue } = formalRoots(place);
	const fresh: [string, Plain][] = [];
	const stale: string[] = [];
	for (const [participantId, hand] of entriesFor(hands, itemId)) {
		const entry = plainRecord(speakerQueue.get(pairKey(itemId, participantId)));
		const handAt = str(hand, 'at');
		if (hand.raised === true && handAt !== null && (!entry || str(entry, 'handAt') !== handAt)) {
			fresh.push([participantId, hand]);
		} else if (hand.raised !== true && entry && str(entry, 'handAt') !== null) {
			stale.push(participantId);
		}
	}
	if (fresh.length === 0 && stale.length === 0) return 0;
	// Hands first seen together are ordered by their own clocks: the best this replica knows.
	fresh.sort(([a, ha], [b, hb]) => ((str(ha, 'at') ?? '') < (str(hb, 'at') ?? '') ? -1 : (str(ha, 'at') ?? '') > (str(hb, 'at') ?? '') ? 1 : a < b ? -1 : 1));
	const orders = liveQueue(doc, itemId).map((e) => e.order);
	place.transact(() => {
		for (const participantId of stale) speakerQueue.set(pairKey(itemId, participantId), null);
		for (const [participantId, hand] of fresh) {
			const order = appendKey(orders);
			orders.push(order);
			speakerQueue.set(pairKey(itemId, participantId), {
				handAt: str(hand, 'at'),
				kind: 'speak',
				requested: speechKind(hand.kind),
				order,
				queuedAt
			});
		}
	});
	return fresh.length;
}

/**
 * Lets a reply (replik) go ahead of the queue, after replies already let through. A
 * participant not in the queue (asked by voice) is put there as a reply.
 */
export function grantReply(doc: Y.Doc, itemId: string, participantId: string, options: { now?: TimeInput } = {}): void {
	requireItem(doc, itemId);
	requireParticipant(doc, participantId);
	const queuedAt = timestamp(options.now);
	const place = listDoc(doc, itemId);
	const { speakerQueue } = formalRoots(place);
	const queue = liveQueue(doc, itemId);
	const existing = queue.find((e) => e.id === participantId);
	const others = queue.filter((e) => e.id !== participantId);
	const replies = others.filter((e) => e.record.kind === 'reply').length;
	const placement = placeAt(others, replies);
	place.transact(() => {
		for (const [id, order] of placement.rekeyed) {
			const entry = plainRecord(speakerQueue.get(pairKey(itemId, id)));
			if (entry) speakerQueue.set(pairKey(itemId, id), { ...entry, order });
		}
		speakerQueue.set(pairKey(itemId, participantId), {
			handAt: existing ? str(existing.record, 'handAt') : null,
			kind: 'reply',
			requested: existing ? speechKind(existing.record.requested) : 'reply',
			order: placement.key,
			queuedAt: existing ? (str(existing.record, 'queuedAt') ?? queuedAt) : queuedAt
		});
	});
}

/** Takes someone off the queue without giving them the floor (their hand is lowered too). */
export function removeFromQueue(doc: Y.Doc, itemId: string, participantId: string, options: { now?: TimeInput } = {}): void {
	requireItem(doc, itemId);
	const at = timestamp(options.now);
	const place = listDoc(doc, itemId);
	const { hands, speakerQueue } = formalRoots(place);
	const key = pairKey(itemId, idArg(participantId, 'participantId'));
	if (!liveQueue(doc, itemId).some((e) => e.id === participantId)) throw notFound('queued speaker', participantId);
	const hand = plainRecord(hands.get(key));
	place.transact(() => {
		speakerQueue.set(key, null);
		if (hand?.raised === true) hands.set(key, { raised: false, kind: speechKind(hand.kind), at });
	});
}

/**
 * Gives the floor to `participantId`, or to the first in the queue; the one speaking before
 * is ended. Returns the new speaker's participant id.
 */
export function giveFloor(
	doc: Y.Doc,
	itemId: string,
	options: { participantId?: string; now?: TimeInput } = {}
): string {
	const item = requireItem(doc, itemId);
	const queue = liveQueue(doc, itemId);
	const participantId = options.participantId ?? queue[0]?.id;
	if (participantId === undefined) throw invalidState('nobody is waiting to speak');
	requireParticipant(doc, participantId);
	const at = timestamp(options.now);
	const entry = queue.find((e) => e.id === participantId);
	const place = listDoc(doc, itemId);
	const { hands, speakerQueue, speeches } = formalRoots(place);
	const key = pairKey(itemId, participantId);
	const hand = plainRecord(hands.get(key));
	const running = runningSpeech(doc, itemId);
	place.transact(() => {
		if (running) speeches.set(running[0], { ...running[1], endedAt: at });
		if (entry) speakerQueue.set(key, null);
		if (hand?.raised === true) hands.set(key, { raised: false, kind: speechKind(hand.kind), at });
		speeches.set(newId(), {
			itemId,
			participantId,
			kind: entry ? speechKind(entry.record.kind) : 'speak',
			handAt: entry ? str(entry.record, 'handAt') : null,
			startedAt: at,
			endedAt: null,
			limitSeconds: readNumber(item, 'speakingLimitSeconds')
		});
	});
	return participantId;
}

/** Ends the one speaking (nothing to do when nobody is). */
export function endSpeaker(doc: Y.Doc, itemId: string, options: { now?: TimeInput } = {}): void {
	requireItem(doc, itemId);
	const at = timestamp(options.now);
	const running = runningSpeech(doc, itemId);
	if (!running) return;
	const place = listDoc(doc, itemId);
	place.transact(() => formalRoots(place).speeches.set(running[0], { ...running[1], endedAt: at }));
}

/** A speaking-time limit in seconds for the item's speakers from now on, or null for none. */
export function setSpeakingLimit(doc: Y.Doc, itemId: string, seconds: number | null): void {
	const item = requireItem(doc, itemId);
	if (seconds !== null && (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < MIN_LIMIT || seconds > MAX_LIMIT)) {
		throw invalid('seconds', `must be a whole number of seconds between ${MIN_LIMIT} and ${MAX_LIMIT}, or none`);
	}
	doc.transact(() => item.set('speakingLimitSeconds', seconds));
}

function speechView(id: string, record: Plain): SpeechView | null {
	const participantId = str(record, 'participantId');
	const startedAt = str(record, 'startedAt');
	if (!participantId || !startedAt) return null;
	const limit = record.limitSeconds;
	return {
		id,
		participantId,
		kind: speechKind(record.kind),
		startedAt,
		endedAt: str(record, 'endedAt'),
		limitSeconds: typeof limit === 'number' && Number.isFinite(limit) ? limit : null
	};
}

export function readSpeakerList(doc: Y.Doc, itemId: string): SpeakerListView {
	const item = roots(doc).items.get(itemId);
	const { hands, speeches } = formalRoots(itemDocOf(doc, itemId) ?? NOTHING);
	const queue = liveQueue(doc, itemId);
	const queued = new Set(queue.map((e) => e.id));
	const running = runningSpeech(doc, itemId);
	const current = running ? speechView(running[0], running[1]) : null;
	const spoken: SpeechView[] = [];
	speeches.forEach((value, id) => {
		const record = plainRecord(value);
		if (!record || record.itemId !== itemId || str(record, 'endedAt') === null) return;
		const view = speechView(id, record);
		if (view) spoken.push(view);
	});
	spoken.sort((a, b) => (a.startedAt < b.startedAt ? -1 : a.startedAt > b.startedAt ? 1 : a.id < b.id ? -1 : 1));
	const waiting: WaitingHandView[] = entriesFor(hands, itemId)
		.filter(([participantId, hand]) => hand.raised === true && !queued.has(participantId) && participantId !== current?.participantId)
		.flatMap(([participantId, hand]) => {
			const at = str(hand, 'at');
			return at ? [{ participantId, kind: speechKind(hand.kind), at }] : [];
		})
		.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.participantId < b.participantId ? -1 : 1));
	return {
		itemId,
		current,
		queue: queue.map((e) => ({
			participantId: e.id,
			kind: speechKind(e.record.kind),
			requested: speechKind(e.record.requested),
			handAt: str(e.record, 'handAt')
		})),
		waiting,
		spoken,
		limitSeconds: item instanceof Y.Map ? readNumber(item, 'speakingLimitSeconds') : null
	};
}

/** Whether the participant's own hand is up on the item (queued or not yet seen by the chair). */
export function isHandRaised(doc: Y.Doc, itemId: string, participantId: string): boolean {
	return plainRecord(formalRoots(itemDocOf(doc, itemId) ?? NOTHING).hands.get(pairKey(itemId, participantId)))?.raised === true;
}
