/**
 * Reads of formal procedure. `readItemFormal` is the part of the record (propositions,
 * decision rounds, jäv) that `readMeeting` attaches to an item and the minutes print;
 * `readFormalLive` adds what only the room needs: the speaker list and the quorum now.
 */
import type * as Y from 'yjs';
import { readItemConflicts, quorumFor, type QuorumView } from './quorum.js';
import { readRoster, resolvePerson } from './read-people.js';
import { readSpeakerList, type SpeakerListView } from './speakers.js';
import type { ItemFormalView } from './types.js';
import { readDecisionRounds, readPropositions, type VoteReadOptions } from './votes.js';

/** The item's formal record, or undefined when it has none (so plain meetings read as before). */
export function readItemFormal(doc: Y.Doc, itemId: string, options: VoteReadOptions = {}): ItemFormalView | undefined {
	const propositions = readPropositions(doc, itemId, options);
	const rounds = readDecisionRounds(doc, itemId, options);
	const conflicts = readItemConflicts(doc, itemId, options).flatMap((c) => {
		const who = resolvePerson(doc, { participantId: c.participantId });
		return who ? [{ who, note: c.note, at: c.at }] : [];
	});
	if (propositions.length === 0 && rounds.length === 0 && conflicts.length === 0) return undefined;
	return { propositions, rounds, conflicts };
}

export interface FormalLiveView {
	readonly speakers: SpeakerListView;
	readonly quorum: QuorumView;
}

export function readFormalLive(doc: Y.Doc, itemId: string): FormalLiveView {
	return { speakers: readSpeakerList(doc, itemId), quorum: quorumFor(doc, itemId, readRoster(doc)) };
}
