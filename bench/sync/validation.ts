/**
 * What judging an update costs the server (issue 21): for real edits sent against a real
 * meeting (the seed meeting), the time to find where the update lands and check it against
 * the schema and the role table (server/sync/effective-writes.ts + write-rules.ts), next to
 * the time Yjs takes to apply the same update — the work the server did per update before.
 * In-process and single-threaded: no network, no storage.
 */
import * as Y from 'yjs';
import { buildLedningsgrupp20230609 } from '../../tests/fixtures/seed-ledningsgrupp-2023-06-09.ts';
import { addDecision, getItemNotes, setCheckedIn } from '../../src/lib/meeting/index.ts';
import { MEETING_SCHEMA } from '../../src/lib/meeting/schema.ts';
import { typeRoots } from '../../src/lib/meeting/schema-language.ts';
import { analyseUpdate } from '../../server/sync/effective-writes.ts';
import { judgeWrites } from '../../server/sync/write-rules.ts';
import type { BenchResult } from '../lib/report.ts';
import { Samples, round } from '../lib/stats.ts';

export type ValidationParams = { keystrokes: number };

export const validationFull: ValidationParams = { keystrokes: 20_000 };
export const validationSmoke: ValidationParams = { keystrokes: 500 };

interface Workload {
	name: string;
	updates: Uint8Array[];
	role: string;
}

function workloads(source: Y.Doc, items: Readonly<Record<number, string>>, people: Readonly<Record<string, string>>, keystrokes: number): Workload[] {
	const replica = (): Y.Doc => {
		const doc = new Y.Doc();
		Y.applyUpdate(doc, Y.encodeStateAsUpdate(source));
		return doc;
	};
	const capture = (doc: Y.Doc, edit: () => void): Uint8Array => {
		const before = Y.encodeStateVector(doc);
		edit();
		return Y.encodeStateAsUpdate(doc, before);
	};
	// One replica per workload: each starts from the seed, as the server copy it is judged against.
	const member = replica();
	const secretary = replica();
	const typing: Uint8Array[] = [];
	const notes = getItemNotes(member, items[3]);
	for (let i = 0; i < keystrokes; i++) typing.push(capture(member, () => notes.insert(Math.random() < 0.9 ? notes.length : Math.floor(Math.random() * notes.length), 'a')));
	const record: Uint8Array[] = [];
	for (let i = 0; i < Math.max(20, keystrokes / 100); i++) {
		record.push(capture(secretary, () => addDecision(secretary, items[4], { text: `Att godkänna förslag ${i}` })));
		record.push(capture(secretary, () => setCheckedIn(secretary, people.camilla, i % 2 === 0)));
	}
	return [
		{ name: 'keystroke in the notes (member)', updates: typing, role: 'member' },
		{ name: 'decision or check-in (secretary)', updates: record, role: 'secretary' }
	];
}

export async function runValidation(params: ValidationParams): Promise<BenchResult> {
	const seed = buildLedningsgrupp20230609();
	const rows: BenchResult['rows'] = [];
	for (const workload of workloads(seed.doc, seed.items, seed.people, params.keystrokes)) {
		const server = new Y.Doc();
		Y.applyUpdate(server, Y.encodeStateAsUpdate(seed.doc));
		typeRoots(MEETING_SCHEMA, server);
		const judge = new Samples();
		const apply = new Samples();
		let refused = 0;
		for (const update of workload.updates) {
			let started = performance.now();
			const analysis = analyseUpdate(server, update);
			const verdict = analysis.status === 'ok' ? judgeWrites(MEETING_SCHEMA, server, { role: workload.role, participantId: null }, analysis.writes) : null;
			judge.push(performance.now() - started);
			if (!verdict?.ok) refused++;
			started = performance.now();
			Y.applyUpdate(server, update);
			apply.push(performance.now() - started);
		}
		const j = judge.summary();
		const a = apply.summary();
		rows.push({
			update: workload.name,
			updates: j.count,
			'judge p50 µs': round(j.p50 * 1000),
			'judge p99 µs': round(j.p99 * 1000),
			'apply p50 µs (reference)': round(a.p50 * 1000),
			'apply p99 µs (reference)': round(a.p99 * 1000),
			'judge / apply p99': round(j.p99 / a.p99),
			refused
		});
	}
	return {
		name: 'validation (judging each update before it is applied)',
		params,
		rows,
		notes: [
			'Judge = locate every struct and deletion where Yjs would put it, then check schema and role; apply = Y.applyUpdate of the same update (the reference measured in the same run).',
			'Every update of these workloads is allowed (refused must be 0): the cost measured is that of honest traffic.'
		]
	};
}
