// Unit tests of easyrpc.js against a scripted server behind a stand-in WebSocket.
// Run with `npm test` (Node.js 20 or later); the Maven build runs them through NodeClientTests
// and also tests the module end to end in Chromium (BrowserSampleApplicationTests).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { decode, encode } from '../../main/resources/static/vendor/msgpack/index.mjs';

const sockets = [];

class ScriptedWebSocket {

	static OPEN = 1;

	constructor(url) {
		this.url = url;
		this.readyState = 0;
		this.sent = [];
		sockets.push(this);
		setTimeout(() => {
			this.readyState = 1;
			this.onopen?.();
		}, 0);
	}

	send(bytes) {
		const copy = new Uint8Array(bytes);
		this.sent.push(copy);
		if (copy.length === 10 && copy[0] === 0x45) {
			this.answerPreface(copy);
		}
		else {
			this.onFrame?.(decode(copy), this);
		}
	}

	answerPreface() {
		this.deliver(Uint8Array.of(0x45, 0x52, 0x50, 0x43, 1, this.prefaceFlags ?? 0, 0, 0x80, 0, 0));
	}

	close(code) {
		if (this.readyState !== 3) {
			this.readyState = 3;
			setTimeout(() => this.onclose?.({ code, reason: '' }), 0);
		}
	}

	deliver(bytes) {
		this.onmessage({ data: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) });
	}

	deliverFrame(frame) {
		this.deliver(encode(frame, { useBigInt64: true }));
	}

	frames() {
		return this.sent.slice(1).map((bytes) => decode(bytes));
	}

}

globalThis.WebSocket = ScriptedWebSocket;
const { connect, RpcError } = await import('../../main/resources/static/easyrpc/easyrpc.js');

async function connected(options = {}) {
	const client = connect('ws://server/easyrpc', { keepAlive: 0, ...options });
	return { socket: sockets.at(-1), client: await client };
}

test('a unary call sends a REQUEST with its deadline and resolves with the result', async () => {
	const { socket, client } = await connected();
	socket.onFrame = ([type, id, method, , payload]) => {
		if (type === 1) {
			socket.deliverFrame([2, id, encode(`${method}: ${decode(payload).join(',')}`)]);
		}
	};
	assert.equal(await client.call('Greeter.hello', 'node', 2), 'Greeter.hello: node,2');
	const request = socket.sent[1];
	assert.equal(request[0], 0x95);
	assert.deepEqual(decode(request), [1, 1, 'Greeter.hello', { 1: 5000 }, encode(['node', 2])]);
	assert.equal(await client.invoke('Greeter.hello', [], { timeout: 0 }), 'Greeter.hello: ');
	assert.equal(decode(socket.sent[2])[3], null);
	client.close();
});

test('an ERROR rejects the call with its status, message and class', async () => {
	const { socket, client } = await connected();
	socket.onFrame = ([type, id]) => socket.deliverFrame([3, id, 5, 'no method Greeter.bye', null, null]);
	await assert.rejects(client.call('Greeter.bye'), (error) => error instanceof RpcError && error.status === 'NOT_FOUND'
			&& error.code === 5 && error.message === 'NOT_FOUND: no method Greeter.bye');
	socket.onFrame = ([type, id]) => socket.deliverFrame([3, id, 99, 'odd', 'x.Y', null]);
	await assert.rejects(client.call('A.b'), (error) => error.status === 'INTERNAL' && error.errorClass === 'x.Y');
	client.close();
});

function countingServer(socket, count) {
	const state = { credit: 0, sent: 0, id: 0 };
	socket.onFrame = ([type, id, n]) => {
		if (type === 1) {
			Object.assign(state, { credit: 0, sent: 0, id });
		}
		if (type === 11) {
			state.credit += n;
			setTimeout(() => {
				while (state.credit > 0 && state.sent < count) {
					state.credit--;
					socket.deliverFrame([9, state.id, encode(`item ${state.sent++}`)]);
				}
				if (state.sent === count) {
					socket.deliverFrame([10, state.id]);
				}
			}, 0);
		}
	};
}

test('a stream is read with for await and grants credit as items are taken', async () => {
	const { socket, client } = await connected({ window: 4 });
	countingServer(socket, 10);
	const items = [];
	for await (const item of client.stream('Numbers.count', 10)) {
		items.push(item);
	}
	assert.deepEqual(items, Array.from({ length: 10 }, (_, i) => `item ${i}`));
	const grants = socket.frames().filter(([type]) => type === 11).map(([, , n]) => n);
	assert.deepEqual(grants, [4, 2, 2, 2, 2]);
	client.close();
});

test('leaving the loop early sends CANCEL', async () => {
	const { socket, client } = await connected();
	countingServer(socket, 100);
	const items = [];
	for await (const item of client.stream('Numbers.count', 100)) {
		items.push(item);
		if (items.length === 2) {
			break;
		}
	}
	assert.deepEqual(items, ['item 0', 'item 1']);
	assert.deepEqual(socket.frames().at(-1), [5, 1, 1]);
	client.close();
});

test('an ERROR mid-stream is thrown after the items that came before it', async () => {
	const { socket, client } = await connected();
	socket.onFrame = ([type, id]) => {
		if (type === 1) {
			socket.deliverFrame([9, id, encode('first')]);
			socket.deliverFrame([3, id, 2, 'boom', 'java.lang.IllegalStateException', null]);
		}
	};
	const items = [];
	await assert.rejects((async () => {
		for await (const item of client.stream('Numbers.fail')) {
			items.push(item);
		}
	})(), (error) => error.status === 'APPLICATION_ERROR' && error.detail === 'boom');
	assert.deepEqual(items, ['first']);
	client.close();
});

test('more items than credit fail the stream with INTERNAL and cancel it', async () => {
	const { socket, client } = await connected({ window: 1 });
	socket.onFrame = ([type, id]) => {
		if (type === 11) {
			socket.deliverFrame([9, id, encode(1)]);
			socket.deliverFrame([9, id, encode(2)]);
		}
	};
	const stream = client.stream('Numbers.flood');
	assert.deepEqual(await stream.next(), { value: 1, done: false });
	await assert.rejects(stream.next(), (error) => error.status === 'INTERNAL' && /more items than/.test(error.message));
	assert.deepEqual(socket.frames().at(-1), [5, 1, 1]);
	client.close();
});

test('a deadline fails the call and sends CANCEL with reason DEADLINE_EXCEEDED', async () => {
	const { socket, client } = await connected();
	await assert.rejects(client.invoke('Slow.op', [], { timeout: 20 }), (error) => error.status === 'DEADLINE_EXCEEDED');
	assert.deepEqual(socket.frames().at(-1), [5, 1, 4]);
	client.close();
});

test('an AbortSignal cancels the call', async () => {
	const { socket, client } = await connected();
	const controller = new AbortController();
	const call = client.invoke('Slow.op', [], { signal: controller.signal });
	controller.abort();
	await assert.rejects(call, (error) => error.status === 'CANCELLED');
	assert.deepEqual(socket.frames().at(-1), [5, 1, 1]);
	client.close();
});

test('PING is answered with PONG carrying the same data', async () => {
	const { socket, client } = await connected();
	socket.deliverFrame([6, 42]);
	socket.deliverFrame([6, 2n ** 62n + 1n]);
	assert.deepEqual(socket.frames().at(-2), [7, 42]);
	assert.deepEqual(decode(socket.sent.at(-1), { useBigInt64: true }), [7, 2n ** 62n + 1n]);
	client.close();
});

test('after GOAWAY new calls fail and pending calls fail with its status on close', async () => {
	const { socket, client } = await connected();
	const pending = client.call('Slow.op');
	socket.deliverFrame([8, 14, 'shutting down']);
	await assert.rejects(client.call('A.b'), (error) => error.status === 'UNAVAILABLE' && /going away/.test(error.message));
	socket.close(1000);
	await assert.rejects(pending, (error) => error.status === 'UNAVAILABLE' && error.detail === 'shutting down');
	assert.equal((await client.closed).detail, 'shutting down');
});

test('a server that requires authentication is refused with UNAUTHENTICATED', async () => {
	const connecting = connect('ws://server/easyrpc', { keepAlive: 0 });
	const socket = sockets.at(-1);
	socket.prefaceFlags = 1;
	await assert.rejects(connecting, (error) => error.status === 'UNAUTHENTICATED' && /authentication/.test(error.message));
	assert.deepEqual(socket.frames()[0].slice(0, 2), [8, 16]);
});

test('a connection that closes before the preface rejects with UNAVAILABLE', async () => {
	const connecting = connect('ws://server/easyrpc', { keepAlive: 0 });
	const socket = sockets.at(-1);
	socket.onopen = null;
	setTimeout(() => socket.close(1006), 5);
	await assert.rejects(connecting, (error) => error.status === 'UNAVAILABLE');
});

test('a peer that is not an easyrpc server is refused with INVALID_ARGUMENT', async () => {
	const connecting = connect('ws://server/easyrpc', { keepAlive: 0 });
	const socket = sockets.at(-1);
	socket.answerPreface = () => socket.deliver(new TextEncoder().encode('HTTP/1.1 2'));
	await assert.rejects(connecting, (error) => error.status === 'INVALID_ARGUMENT');
});
