/**
 * A WebSocket subclass that reports each frame the stock y-websocket client sends,
 * so the session can number update frames per connection (see pending.ts) without
 * reimplementing the client.
 */
import * as decoding from 'lib0/decoding';
import { MESSAGE_SYNC, SYNC_STEP2, SYNC_UPDATE } from '../protocol/index.ts';

export type UpdateFrameKind = 'sync-step2' | 'update';

/** Whether a client frame carries a Yjs update, and how. */
export function updateFrameKind(data: unknown): UpdateFrameKind | null {
	if (!(data instanceof Uint8Array) || data.length < 2) return null;
	const decoder = decoding.createDecoder(data);
	if (decoding.readVarUint(decoder) !== MESSAGE_SYNC) return null;
	const syncType = decoding.readVarUint(decoder);
	if (syncType === SYNC_STEP2) return 'sync-step2';
	if (syncType === SYNC_UPDATE) return 'update';
	return null;
}

export type WebSocketClass = typeof WebSocket;

export function tapWebSocket(Base: WebSocketClass, onSend: (socket: WebSocket, data: unknown) => void): WebSocketClass {
	return class TappedWebSocket extends Base {
		override send(data: Parameters<WebSocket['send']>[0]): void {
			super.send(data);
			onSend(this, data);
		}
	};
}
