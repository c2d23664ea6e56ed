/**
 * The server's Prometheus metrics (prom-client), one registry per server so that servers
 * started in one process (tests) do not share counters. What can be measured from outside
 * the sync code is measured here or in the composition (rooms, sockets, HTTP, storage,
 * Node's own); what only the sync code sees it reports through `SyncMetrics`.
 * The list with its meaning and PromQL: docs/deploy.md.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** What the sync code reports; every method is cheap (a counter bump or one histogram observation). */
export interface SyncMetrics {
	/** A client's document update arrived (before it is checked or stored). */
	updateReceived(bytes: number): void;
	/** One update frame was sent to `recipients` connections (a broadcast counts once per recipient). */
	updatesSent(recipients: number): void;
	/** A client's write was refused; `reason` is the notice or close code ('read-only', 'frozen', 'too-large', a policy code, …). */
	writeRefused(reason: string): void;
	/** Presence (awareness) bytes received from a client ('in') or sent to clients ('out', per recipient). */
	presenceBytes(direction: 'in' | 'out', bytes: number): void;
	/** From an update's arrival to the "saved" acknowledgement sent for it. */
	savedAck(seconds: number): void;
	/** From another instance's publish to this instance's receipt of an update (multi-instance). */
	fanoutLag(seconds: number): void;
}

export interface MetricSources {
	/** Meetings in memory and sync connections joined to them. */
	rooms(): { rooms: number; connections: number };
	/** Open websockets (joined or still being authorised). */
	sockets(): number;
}

/** Which part of the server answered an HTTP request (a bounded label set). */
export type RouteClass = 'api' | 'app' | 'healthz' | 'metrics';

const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

export class ServerMetrics implements SyncMetrics {
	readonly registry = new Registry();
	readonly #updatesIn: Counter;
	readonly #updateBytesIn: Counter;
	readonly #updatesOut: Counter;
	readonly #refused: Counter<'reason'>;
	readonly #presence: Counter<'direction'>;
	readonly #savedAck: Histogram;
	readonly #fanoutLag: Histogram;
	readonly #storage: Histogram<'operation'>;
	readonly #http: Histogram<'route' | 'method' | 'status'>;
	#sources: MetricSources = { rooms: () => ({ rooms: 0, connections: 0 }), sockets: () => 0 };

	constructor() {
		const registers = [this.registry];
		// process_resident_memory_bytes, nodejs_heap_size_used_bytes, nodejs_eventloop_lag_*_seconds, GC, handles…
		collectDefaultMetrics({ register: this.registry });
		const sources = () => this.#sources;
		new Gauge({
			name: 'motesrum_rooms_loaded',
			help: 'Meetings held in memory (rooms), unloading ones included',
			registers,
			collect() {
				this.set(sources().rooms().rooms);
			}
		});
		new Gauge({
			name: 'motesrum_sync_connections',
			help: 'Sync connections joined to a room',
			registers,
			collect() {
				this.set(sources().rooms().connections);
			}
		});
		new Gauge({
			name: 'motesrum_websockets_open',
			help: 'Open websockets, joined or not yet',
			registers,
			collect() {
				this.set(sources().sockets());
			}
		});
		this.#updatesIn = new Counter({ name: 'motesrum_sync_updates_received_total', help: 'Document updates received from clients', registers });
		this.#updateBytesIn = new Counter({ name: 'motesrum_sync_update_bytes_received_total', help: 'Bytes of document updates received from clients', registers });
		this.#updatesOut = new Counter({ name: 'motesrum_sync_updates_sent_total', help: 'Document update frames sent to clients (one per recipient)', registers });
		this.#refused = new Counter({ name: 'motesrum_sync_writes_refused_total', help: 'Client writes refused, by reason', labelNames: ['reason'], registers });
		this.#presence = new Counter({ name: 'motesrum_sync_presence_bytes_total', help: 'Presence (awareness) bytes, in from clients and out to them', labelNames: ['direction'], registers });
		this.#savedAck = new Histogram({ name: 'motesrum_sync_saved_ack_seconds', help: "From an update's arrival to its \"saved\" acknowledgement", buckets: LATENCY_BUCKETS, registers });
		this.#fanoutLag = new Histogram({ name: 'motesrum_sync_fanout_lag_seconds', help: "From another instance's publish to its receipt here", buckets: LATENCY_BUCKETS, registers });
		this.#storage = new Histogram({ name: 'motesrum_storage_commit_seconds', help: 'Storage writes until committed, by operation', labelNames: ['operation'], buckets: LATENCY_BUCKETS, registers });
		this.#http = new Histogram({ name: 'motesrum_http_request_duration_seconds', help: 'HTTP requests by route class, method and status', labelNames: ['route', 'method', 'status'], buckets: LATENCY_BUCKETS, registers });
	}

	/** Connects the gauges to the running server's parts (called once they exist). */
	observe(sources: MetricSources): void {
		this.#sources = sources;
	}

	updateReceived(bytes: number): void {
		this.#updatesIn.inc();
		this.#updateBytesIn.inc(bytes);
	}

	updatesSent(recipients: number): void {
		if (recipients > 0) this.#updatesOut.inc(recipients);
	}

	writeRefused(reason: string): void {
		this.#refused.inc({ reason });
	}

	presenceBytes(direction: 'in' | 'out', bytes: number): void {
		this.#presence.inc({ direction }, bytes);
	}

	savedAck(seconds: number): void {
		this.#savedAck.observe(seconds);
	}

	fanoutLag(seconds: number): void {
		if (seconds >= 0) this.#fanoutLag.observe(seconds);
	}

	storageCommit(operation: string, seconds: number): void {
		this.#storage.observe({ operation }, seconds);
	}

	httpRequest(route: RouteClass, method: string, status: number, seconds: number): void {
		// Unknown methods would make the label set unbounded.
		const known = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'].includes(method) ? method : 'other';
		this.#http.observe({ route, method: known, status: String(status) }, seconds);
	}

	/** The text exposition format: this registry's, or what `renderWith` set (a worker asks its primary for the instance's). */
	async render(): Promise<{ contentType: string; body: string }> {
		if (this.#renderer) return this.#renderer();
		return { contentType: this.registry.contentType, body: await this.registry.metrics() };
	}

	#renderer: (() => Promise<{ contentType: string; body: string }>) | null = null;

	renderWith(renderer: () => Promise<{ contentType: string; body: string }>): void {
		this.#renderer = renderer;
	}
}
