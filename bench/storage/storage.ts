/**
 * 3. Storage, through the MeetingStorage interface only (what the server calls):
 * - append throughput: the 3-hour meeting's updates appended one by one, each awaited
 *   (the server commits every update before acknowledging it);
 * - load throughput: loadUpdates of that log, and the server's full load (read + apply
 *   into a Y.Doc, as Room.load does), before and after compaction;
 * - the stored size before and after compaction.
 */
import * as Y from 'yjs';
import { newMeetingId } from '../../server/auth/tokens.ts';
import type { MeetingStorage } from '../../server/storage/types.ts';
import { type BenchResult, kib } from '../lib/report.ts';
import { Samples, median, round } from '../lib/stats.ts';
import { storageAdapters } from './adapters.ts';
import { buildThreeHourMeeting } from './three-hour-meeting.ts';
import { applyUpdates } from '../../src/lib/protocol/updates.ts';

export interface StorageParams {
	/** Least number of edits in the long meeting. */
	edits: number;
	/** Loads timed per measurement; the median is reported. */
	loadRepeats: number;
	/** Budget in ms for the server-side load of the long meeting (reported against, not enforced). */
	loadTargetMs: number;
}

export const storageFull: StorageParams = { edits: 50_000, loadRepeats: 7, loadTargetMs: 150 };
export const storageSmoke: StorageParams = { edits: 500, loadRepeats: 2, loadTargetMs: 150 };

const byteLength = (updates: Uint8Array[]) => updates.reduce((sum, update) => sum + update.byteLength, 0);

/** Room.load's work: read everything, apply it into a fresh doc in one transaction. */
async function timedLoad(storage: MeetingStorage, meetingId: string, repeats: number) {
	const readMs: number[] = [];
	const loadMs: number[] = [];
	let rows = 0;
	let bytes = 0;
	for (let i = 0; i < repeats; i++) {
		const started = performance.now();
		const updates = await storage.docs.loadUpdates(meetingId);
		const read = performance.now();
		const doc = new Y.Doc();
		applyUpdates(doc, updates);
		loadMs.push(performance.now() - started);
		readMs.push(read - started);
		rows = updates.length;
		bytes = byteLength(updates);
		doc.destroy();
	}
	return { rows, bytes, readMs: median(readMs), loadMs: median(loadMs) };
}

export async function runStorage(params: StorageParams): Promise<BenchResult> {
	const built = performance.now();
	const meeting = buildThreeHourMeeting(params.edits);
	const buildMs = performance.now() - built;
	const finalState = Y.encodeStateAsUpdate(meeting.doc);
	meeting.doc.destroy();
	const rows: BenchResult['rows'] = [];
	for (const adapter of storageAdapters()) {
		const storage = await adapter.open();
		await storage.init();
		try {
			const id = newMeetingId();
			await storage.meetings.createMeeting({ id, title: 'Tre timmar' });
			const perAppend = new Samples();
			const started = performance.now();
			for (const update of meeting.updates) {
				const before = performance.now();
				await storage.docs.appendUpdate(id, update);
				perAppend.push(performance.now() - before);
			}
			const appendSeconds = (performance.now() - started) / 1000;
			const append = perAppend.summary();
			const logged = await timedLoad(storage, id, params.loadRepeats);

			const compactStarted = performance.now();
			await storage.docs.compact(id);
			const compactMs = performance.now() - compactStarted;
			const compacted = await timedLoad(storage, id, params.loadRepeats);
			const mbPerSecond = (bytes: number, ms: number) => round(bytes / 1024 / 1024 / (ms / 1000));
			rows.push(
				{
					engine: adapter.name,
					measure: `append ${meeting.updates.length} updates one by one (awaited)`,
					result: `${Math.round(meeting.updates.length / appendSeconds)} appends/s; per append p50 ${round(append.p50 * 1000)} µs, p99 ${round(append.p99 * 1000)} µs, max ${round(append.max)} ms`
				},
				{
					engine: adapter.name,
					measure: 'read the log (loadUpdates), before compaction',
					result: `${logged.rows} rows, ${kib(logged.bytes)} KiB in ${round(logged.readMs)} ms (${Math.round(logged.rows / (logged.readMs / 1000))} rows/s, ${mbPerSecond(logged.bytes, logged.readMs)} MiB/s)`
				},
				{
					engine: adapter.name,
					measure: 'server load (read + apply into a Y.Doc), before compaction',
					result: `${round(logged.loadMs)} ms (target ${params.loadTargetMs} ms: ${logged.loadMs <= params.loadTargetMs ? 'met' : 'MISSED'})`
				},
				{ engine: adapter.name, measure: 'compact', result: `${round(compactMs)} ms` },
				{
					engine: adapter.name,
					measure: 'server load (read + apply), after compaction',
					result: `${compacted.rows} row, ${kib(compacted.bytes)} KiB; read ${round(compacted.readMs)} ms, load ${round(compacted.loadMs)} ms (target ${params.loadTargetMs} ms: ${compacted.loadMs <= params.loadTargetMs ? 'met' : 'MISSED'})`
				}
			);
		} finally {
			await storage.close();
		}
	}
	const { counts } = meeting;
	return {
		name: `storage (the 3-hour meeting: ${meeting.updates.length} edits through the meeting model)`,
		params: { ...params },
		rows,
		notes: [
			`Edit mix: ${counts.keystrokes} keystrokes and ${counts.deletions} backspaces in item notes and decision texts, ${counts.decisions} decisions, ${counts.moves} agenda moves, ${counts.other} other operations (participants, items, check-ins, live flow). Built in ${Math.round(buildMs)} ms.`,
			`Stored before compaction: ${kib(byteLength(meeting.updates))} KiB of update payload in ${meeting.updates.length} rows (plus row and index overhead). The whole document as one update: ${kib(finalState.byteLength)} KiB.`,
			'Load = what the server does when the first client joins (Room.load): loadUpdates, then apply every update into a fresh Y.Doc in one transaction. Median of the repeats. The browser target (≤ 150 ms from IndexedDB) is not measured here.'
		]
	};
}
