import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { replicaOf, syncDocs } from '../../../tests/fixtures/yjs-sync.js';
import {
	DEFAULT_TEMPLATE,
	GroupError,
	addMember,
	addTemplateItem,
	closeInGroup,
	initGroup,
	moveTemplateItem,
	readGroup,
	registerMeeting,
	removeMember,
	removeTemplateItem,
	reopenInGroup,
	updateMember,
	updateTemplateItem
} from './index.js';

const NOW = '2023-06-01T08:00:00.000Z';

function newGroup(): Y.Doc {
	const doc = new Y.Doc();
	initGroup(doc, { name: 'Södertörnskommunernas ledningsgrupp', now: NOW });
	return doc;
}

describe('group document', () => {
	it('starts with the standing agenda and an empty roster', () => {
		const view = readGroup(newGroup());
		expect(view.initialised).toBe(true);
		expect(view.name).toBe('Södertörnskommunernas ledningsgrupp');
		expect(view.template.map((t) => [t.title, t.role])).toEqual([
			['Välkommen', null],
			['Val av justerare', null],
			['Föregående möten / utestående ärenden', 'outstanding'],
			['Övriga frågor', null],
			['Nästa möte', 'next_meeting']
		]);
		expect(view.roster).toEqual([]);
		expect(DEFAULT_TEMPLATE).toHaveLength(5);
	});

	it('edits the roster and the template', () => {
		const doc = newGroup();
		const magnus = addMember(doc, { name: 'Magnus Gyllestad', organisation: 'Haninge', role: 'chair' });
		const camilla = addMember(doc, { name: 'Camilla Broo', organisation: 'Huddinge' });
		addMember(doc, { name: 'Helene Olofsson', organisation: 'Södertörnskommunerna', role: 'secretary', index: 0 });
		updateMember(doc, camilla, { role: 'adjuster' });
		removeMember(doc, magnus);
		const rvu = addTemplateItem(doc, { title: 'RUFS', kind: 'discussion', plannedMinutes: 30, index: 3 });
		const view0 = readGroup(doc);
		expect(view0.roster.map((m) => [m.name, m.organisation, m.role])).toEqual([
			['Helene Olofsson', 'Södertörnskommunerna', 'secretary'],
			['Camilla Broo', 'Huddinge', 'adjuster']
		]);
		expect(view0.template[3]).toMatchObject({ title: 'RUFS', kind: 'discussion', plannedMinutes: 30 });
		moveTemplateItem(doc, rvu, 0);
		updateTemplateItem(doc, rvu, { title: 'RUFS 2050' });
		removeTemplateItem(doc, view0.template[0].id);
		expect(readGroup(doc).template.map((t) => t.title).slice(0, 2)).toEqual(['RUFS 2050', 'Val av justerare']);
	});

	it('validates before writing', () => {
		const doc = newGroup();
		expect(() => addMember(doc, { name: '  ' })).toThrow(GroupError);
		expect(() => addMember(doc, { name: 'X', role: 'boss' as never })).toThrow(/role/);
		expect(() => addTemplateItem(doc, { title: 'X', plannedMinutes: -1 })).toThrow(/plannedMinutes/);
		expect(() => updateMember(doc, 'nobody', { name: 'X' })).toThrow(/does not exist/);
		expect(() => closeInGroup(doc, 'not a key')).toThrow(/outstanding key/);
		expect(() => initGroup(doc, { name: 'Again' })).toThrow(/already/);
		expect(() => addMember(new Y.Doc(), { name: 'X' })).toThrow(/not an initialised group/);
		expect(readGroup(doc).roster).toEqual([]);
	});

	it('registers meetings idempotently and lists them in sequence order', () => {
		const doc = newGroup();
		registerMeeting(doc, { id: 'm2', sequence: 2, title: 'Möte 2', date: '2023-09-21', createdAt: NOW });
		registerMeeting(doc, { id: 'm1', sequence: 1, title: 'Möte 1', date: '2023-06-09', createdAt: NOW });
		const before = Y.encodeStateVector(doc);
		registerMeeting(doc, { id: 'm1', sequence: 1, title: 'Möte 1', date: '2023-06-09', createdAt: NOW });
		expect(Y.encodeStateVector(doc)).toEqual(before);
		expect(readGroup(doc).meetings.map((m) => m.id)).toEqual(['m1', 'm2']);
	});

	it('replicas editing offline converge: roster adds kept, same meeting registered once, closures merged', () => {
		const a = newGroup();
		const b = replicaOf(a, 1);
		const c = replicaOf(a, 2);
		addMember(a, { name: 'Camilla Broo', organisation: 'Huddinge' });
		addMember(b, { name: 'Stefan Hollmark', organisation: 'Södertälje' });
		const ref = { id: 'm1', sequence: 1, title: 'Möte 1', date: '2023-06-09', createdAt: NOW };
		registerMeeting(a, ref);
		registerMeeting(b, ref);
		registerMeeting(c, ref);
		const template = readGroup(a).template;
		moveTemplateItem(a, template[4].id, 0);
		moveTemplateItem(c, template[4].id, 2);
		updateTemplateItem(b, template[4].id, { title: 'Nästa sammanträde' });
		closeInGroup(b, 'assignment:m1:x', { now: NOW });
		closeInGroup(c, 'tabled:m1:y', { now: NOW });
		syncDocs(a, b, c);
		const views = [a, b, c].map(readGroup);
		expect(views[1]).toEqual(views[0]);
		expect(views[2]).toEqual(views[0]);
		const view = views[0];
		expect(view.roster.map((m) => m.name).sort()).toEqual(['Camilla Broo', 'Stefan Hollmark']);
		expect(view.meetings).toHaveLength(1);
		expect(view.template).toHaveLength(5);
		expect(view.template.filter((t) => t.title === 'Nästa sammanträde')).toHaveLength(1);
		expect(view.closures.map((c) => c.key)).toEqual(['assignment:m1:x', 'tabled:m1:y']);
		reopenInGroup(a, 'assignment:m1:x');
		syncDocs(a, b);
		expect(readGroup(b).closures.map((c) => c.key)).toEqual(['tabled:m1:y']);
	});
});
