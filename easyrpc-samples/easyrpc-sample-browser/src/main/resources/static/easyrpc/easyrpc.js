/**
 * A browser client for easyrpc servers, over the WebSocket endpoint that a Spring Boot
 * application with spring-websocket serves at `/easyrpc`.
 *
 * The wire format is the one of docs/protocol.md: each side sends a 10-byte preface, then
 * every binary WebSocket message carries exactly one frame body (no length prefix). The
 * MessagePack bytes are written and read by the vendored `@msgpack/msgpack` library.
 *
 * @example
 * import { connect } from '/easyrpc/easyrpc.js';
 *
 * const client = await connect('/easyrpc');
 * const greeting = await client.call('Greeter.hello', 'browser');
 * for await (const item of client.stream('Greeter.countdown', 5)) {
 *   console.log(item);
 * }
 * client.close();
 *
 * @module easyrpc
 */
import { Decoder, Encoder, decode, encode } from '../vendor/msgpack/index.mjs';

/**
 * Status codes of the protocol (docs/protocol.md, section 7), by name.
 * @readonly
 * @enum {number}
 */
export const Status = Object.freeze({
	OK: 0,
	CANCELLED: 1,
	APPLICATION_ERROR: 2,
	INVALID_ARGUMENT: 3,
	DEADLINE_EXCEEDED: 4,
	NOT_FOUND: 5,
	PERMISSION_DENIED: 7,
	RESOURCE_EXHAUSTED: 8,
	INTERNAL: 13,
	UNAVAILABLE: 14,
	UNAUTHENTICATED: 16,
});

const STATUS_NAMES = new Map(Object.entries(Status).map(([name, code]) => [code, name]));

const FrameType = Object.freeze({
	REQUEST: 1,
	RESPONSE: 2,
	ERROR: 3,
	CANCEL: 5,
	PING: 6,
	PONG: 7,
	GOAWAY: 8,
	NEXT: 9,
	COMPLETE: 10,
	REQUEST_N: 11,
	AUTH_CHALLENGE: 12,
	AUTH_RESPONSE: 13,
	AUTH_OK: 14,
});

const MAGIC = [0x45, 0x52, 0x50, 0x43]; // "ERPC"
const PROTOCOL_VERSION = 1;
const PREFACE_LENGTH = 10;
const FLAG_AUTH = 0x01;
const MAX_CALL_ID = 0x7fffffff;

// The library encodes JavaScript objects as maps with string keys only, while a REQUEST's
// metadata is a map with integer keys. A REQUEST is therefore put together from values the
// library encodes, behind these two MessagePack headers (fixarray of 5, fixmap of 1).
const REQUEST_HEADER = 0x95;
const METADATA_WITH_TIMEOUT_HEADER = 0x81;
const METADATA_TIMEOUT_KEY = 1;

// Frames: ping data is a signed 64-bit integer, echoed unchanged, so 64-bit values stay BigInt.
const frameEncoder = new Encoder({ useBigInt64: true });
const frameDecoder = new Decoder({ useBigInt64: true });

const DEFAULTS = Object.freeze({
	timeout: 5000,
	window: 32,
	keepAlive: 30000,
	maxFrameSize: 8 * 1024 * 1024,
	connectTimeout: 10000,
});

/**
 * The name of a status code; a code this client does not know is `INTERNAL`, as the
 * protocol asks.
 * @param {number} code a status code
 * @returns {string} its name
 */
export function statusName(code) {
	return STATUS_NAMES.get(code) ?? 'INTERNAL';
}

/**
 * The error that a failed call, stream or connection rejects with.
 */
export class RpcError extends Error {

	/**
	 * @param {number} code the status code
	 * @param {?string} message what went wrong
	 * @param {{errorClass?: ?string, remoteStackTrace?: ?string}} [details] what the
	 * server told about the exception behind the error
	 */
	constructor(code, message, details = {}) {
		const status = statusName(code);
		super(message ? `${status}: ${message}` : status);
		this.name = 'RpcError';
		/** The status name, for example `'NOT_FOUND'`. @type {string} */
		this.status = status;
		/** The status code, for example `5`. @type {number} */
		this.code = STATUS_NAMES.has(code) ? code : Status.INTERNAL;
		/** The message without the status, or null. @type {?string} */
		this.detail = message ?? null;
		/** The class name of the server-side exception, or null. @type {?string} */
		this.errorClass = details.errorClass ?? null;
		/** The server-side stack trace, when the server exposes it, or null. @type {?string} */
		this.remoteStackTrace = details.remoteStackTrace ?? null;
	}

}

/**
 * Options of a connection.
 * @typedef {object} ConnectOptions
 * @property {number} [timeout=5000] default deadline of a call or a whole stream, in
 * milliseconds; 0 for none
 * @property {number} [window=32] the credit a stream keeps granted: the most items that
 * wait in the browser, however slow the consumer
 * @property {number} [keepAlive=30000] the longest the client stays silent, in
 * milliseconds: it sends a PING when it has written nothing for half of it; 0 for never
 * @property {number} [maxFrameSize=8388608] the largest frame body the client accepts
 * @property {number} [connectTimeout=10000] how long to wait for the server's preface, in
 * milliseconds
 */

/**
 * Options of one call or stream.
 * @typedef {object} CallOptions
 * @property {number} [timeout] the deadline in milliseconds (0 for none); defaults to the
 * connection's
 * @property {AbortSignal} [signal] aborting it cancels the call or stream
 * @property {number} [window] the credit of a stream; defaults to the connection's
 */

/**
 * Open a connection to an easyrpc WebSocket endpoint.
 *
 * The promise resolves once the server's preface has arrived, so a server that speaks
 * another protocol or requires shared-secret authentication (which this client does not
 * support) is reported here, with an {@link RpcError}.
 * @param {string} [url='/easyrpc'] a `ws:` or `wss:` URL, or a path on the
 * page's own server
 * @param {ConnectOptions} [options] connection options
 * @returns {Promise<EasyRpcClient>} the connected client
 */
export function connect(url = '/easyrpc', options = {}) {
	const client = new EasyRpcClient(toWebSocketUrl(url), { ...DEFAULTS, ...options });
	return client.ready.then(() => client);
}

function toWebSocketUrl(url) {
	const resolved = new URL(url, globalThis.location?.href);
	if (resolved.protocol === 'http:') {
		resolved.protocol = 'ws:';
	}
	else if (resolved.protocol === 'https:') {
		resolved.protocol = 'wss:';
	}
	return resolved.href;
}

/**
 * A connection to an easyrpc server. Create it with {@link connect}. Calls and streams share
 * the one WebSocket; any number of them may be in flight at once.
 */
export class EasyRpcClient {

	#url;
	#options;
	#socket;
	#calls = new Map();
	#nextCallId = 1;
	#serverMaxFrameSize;
	#prefaceReceived = false;
	#goAway = null;
	#closedBy = null;
	#lastWrite = 0;
	#pingCount = 0;
	#keepAliveTimer = null;
	#resolveClosed;

	/**
	 * Use {@link connect} instead.
	 * @param {string} url the WebSocket URL
	 * @param {ConnectOptions} options connection options, defaults applied
	 */
	constructor(url, options) {
		this.#url = url;
		this.#options = options;
		this.#serverMaxFrameSize = options.maxFrameSize;
		/**
		 * Resolves with the reason ({@link RpcError}) once the connection has ended, for
		 * whatever cause, {@link EasyRpcClient#close} included.
		 * @type {Promise<RpcError>}
		 */
		this.closed = new Promise((resolve) => {
			this.#resolveClosed = resolve;
		});
		/**
		 * Resolves once the server's preface has arrived; {@link connect} waits for it.
		 * @type {Promise<void>}
		 */
		this.ready = new Promise((resolve, reject) => {
			this.#open(resolve, reject);
		});
	}

	/**
	 * The URL this client is connected to.
	 * @type {string}
	 */
	get url() {
		return this.#url;
	}

	/**
	 * Call a unary method.
	 * @param {string} method the method key, `Service.method` or
	 * `group/Service.method`
	 * @param {...*} args the arguments, in the order the method declares them
	 * @returns {Promise<*>} the result; rejects with an {@link RpcError}
	 */
	call(method, ...args) {
		return this.invoke(method, args);
	}

	/**
	 * Call a unary method with options.
	 * @param {string} method the method key
	 * @param {Array<*>|Object<string, *>} [args=[]] the arguments: an array in declaration
	 * order, or an object from parameter names to values
	 * @param {CallOptions} [options] a deadline or an abort signal
	 * @returns {Promise<*>} the result; rejects with an {@link RpcError}
	 */
	invoke(method, args = [], options = {}) {
		return new Promise((resolve, reject) => {
			const call = {
				method,
				onPayload: (payload) => {
					let result;
					try {
						result = decode(payload);
					}
					catch (ex) {
						this.#cancel(call, new RpcError(Status.INTERNAL, `cannot decode the result of ${method}: ${ex.message}`));
						return;
					}
					this.#settle(call, () => resolve(result));
				},
				onNext: () => this.#cancel(call, new RpcError(Status.INTERNAL, `an item arrived for the unary call ${method}`)),
				onComplete: () => this.#cancel(call, new RpcError(Status.INTERNAL, `the unary call ${method} completed without a result`)),
				onError: (error) => this.#settle(call, () => reject(error)),
			};
			this.#start(call, args, options);
		});
	}

	/**
	 * Call a server stream. The call starts when iteration starts; the stream is read with
	 * `for await`, and leaving the loop early (break, return, throw) cancels it.
	 * Credit is granted as items are consumed, so a slow loop slows the server down instead
	 * of filling the browser's memory.
	 * @param {string} method the method key
	 * @param {...*} args the arguments, in the order the method declares them
	 * @returns {ServerStream} the items, as an async iterable
	 */
	stream(method, ...args) {
		return this.subscribe(method, args);
	}

	/**
	 * Call a server stream with options.
	 * @param {string} method the method key
	 * @param {Array<*>|Object<string, *>} [args=[]] the arguments
	 * @param {CallOptions} [options] a deadline, an abort signal or a window
	 * @returns {ServerStream} the items, as an async iterable
	 */
	subscribe(method, args = [], options = {}) {
		const window = options.window ?? this.#options.window;
		return new ServerStream(method, window, {
			start: (call) => this.#start(call, args, options, window),
			cancel: (call, error) => this.#cancel(call, error),
			requestMore: (call, n) => this.#requestMore(call, n),
			settle: (call, completion) => this.#settle(call, completion),
		});
	}

	/**
	 * Close the connection. Calls and streams still in flight fail with
	 * `CANCELLED`; the server cancels them on its side.
	 */
	close() {
		this.#shutdown(new RpcError(Status.CANCELLED, 'the client was closed'));
	}

	#open(resolve, reject) {
		let connectTimer;
		this.closed.then((reason) => {
			clearTimeout(connectTimer);
			if (!this.#prefaceReceived) {
				reject(reason);
			}
		});
		let socket;
		try {
			socket = new WebSocket(this.#url);
		}
		catch (ex) {
			this.#shutdown(new RpcError(Status.UNAVAILABLE, `cannot connect to ${this.#url}: ${ex.message}`));
			return;
		}
		this.#socket = socket;
		socket.binaryType = 'arraybuffer';
		connectTimer = setTimeout(() => {
			this.#shutdown(new RpcError(Status.UNAVAILABLE,
					`no easyrpc preface from ${this.#url} within ${this.#options.connectTimeout} ms`));
		}, this.#options.connectTimeout);
		this.#onPreface = () => {
			clearTimeout(connectTimer);
			this.#startKeepAlive();
			resolve();
		};
		socket.onopen = () => {
			const preface = new Uint8Array(PREFACE_LENGTH);
			preface.set(MAGIC, 0);
			preface[4] = PROTOCOL_VERSION;
			preface[5] = 0;
			new DataView(preface.buffer).setUint32(6, this.#options.maxFrameSize);
			this.#write(preface);
		};
		socket.onmessage = (event) => this.#receive(event.data);
		socket.onclose = (event) => {
			const reason = event.reason ? `, ${event.reason}` : '';
			const message = this.#prefaceReceived
				? `the connection to ${this.#url} was closed (${event.code}${reason})`
				: `cannot connect to ${this.#url} (${event.code}${reason}): is it an easyrpc WebSocket endpoint, and does it accept this page's origin?`;
			this.#shutdown(this.#goAway ?? new RpcError(Status.UNAVAILABLE, message));
		};
	}

	#onPreface = null;

	#receive(data) {
		if (this.#closedBy) {
			return;
		}
		if (!(data instanceof ArrayBuffer)) {
			this.#protocolError(Status.INVALID_ARGUMENT, 'easyrpc sends binary WebSocket messages only');
			return;
		}
		const bytes = new Uint8Array(data);
		if (!this.#prefaceReceived) {
			this.#receivePreface(bytes);
			return;
		}
		if (bytes.byteLength > this.#options.maxFrameSize) {
			this.#protocolError(Status.RESOURCE_EXHAUSTED,
					`a frame of ${bytes.byteLength} bytes exceeds the client's limit of ${this.#options.maxFrameSize}`);
			return;
		}
		let frame;
		try {
			frame = frameDecoder.decode(bytes);
		}
		catch (ex) {
			this.#protocolError(Status.INVALID_ARGUMENT, `malformed frame: ${ex.message}`);
			return;
		}
		if (!Array.isArray(frame) || frame.length === 0 || !Number.isInteger(frame[0])) {
			this.#protocolError(Status.INVALID_ARGUMENT, 'malformed frame: not an array starting with a frame type');
			return;
		}
		try {
			this.#dispatch(frame);
		}
		catch (ex) {
			if (ex instanceof MalformedFrame) {
				this.#protocolError(Status.INVALID_ARGUMENT, `malformed frame: ${ex.message}`);
				return;
			}
			throw ex;
		}
	}

	#receivePreface(bytes) {
		if (bytes.byteLength !== PREFACE_LENGTH || MAGIC.some((b, i) => bytes[i] !== b)) {
			this.#protocolError(Status.INVALID_ARGUMENT, `${this.#url} did not answer with an easyrpc preface`);
			return;
		}
		if (bytes[4] !== PROTOCOL_VERSION) {
			this.#protocolError(Status.UNAVAILABLE, `the server speaks protocol version ${bytes[4]}, this client version ${PROTOCOL_VERSION}`);
			return;
		}
		if ((bytes[5] & FLAG_AUTH) !== 0) {
			this.#protocolError(Status.UNAUTHENTICATED,
					`${this.#url} requires shared-secret authentication, which the JavaScript client does not support`);
			return;
		}
		this.#serverMaxFrameSize = new DataView(bytes.buffer, bytes.byteOffset).getUint32(6);
		this.#prefaceReceived = true;
		this.#onPreface();
	}

	#dispatch(frame) {
		switch (frame[0]) {
			case FrameType.RESPONSE: {
				const call = this.#calls.get(callId(frame, 3));
				const payload = binary(frame[2]);
				call?.onPayload(payload);
				break;
			}
			case FrameType.ERROR: {
				const call = this.#calls.get(callId(frame, 6));
				const error = new RpcError(integer(frame[2], 'status'), text(frame[3]),
						{ errorClass: text(frame[4]), remoteStackTrace: text(frame[5]) });
				call?.onError(error);
				break;
			}
			case FrameType.NEXT: {
				const call = this.#calls.get(callId(frame, 3));
				const payload = binary(frame[2]);
				call?.onNext(payload);
				break;
			}
			case FrameType.COMPLETE:
				this.#calls.get(callId(frame, 2))?.onComplete();
				break;
			case FrameType.PING:
				expectLength(frame, 2);
				this.#send([FrameType.PONG, frame[1]]);
				break;
			case FrameType.GOAWAY:
				expectLength(frame, 3);
				// Calls in flight go on; new ones are refused, and when the server closes the
				// connection, what is still pending fails with this status.
				this.#goAway = new RpcError(integer(frame[1], 'status'), text(frame[2]) ?? 'the server is going away');
				break;
			case FrameType.AUTH_CHALLENGE:
			case FrameType.AUTH_OK:
				throw new MalformedFrame('an authentication frame from a server that did not ask for authentication');
			default:
				// PONG; REQUEST_N and CANCEL, which concern client streams that this client
				// does not send; and frame types of later versions: all ignored.
				break;
		}
	}

	#start(call, args, options, window = 0) {
		try {
			this.#checkUsable();
			const timeout = options.timeout ?? this.#options.timeout;
			const id = this.#newCallId();
			const request = encodeRequest(id, call.method, timeout, args);
			if (request.byteLength > this.#serverMaxFrameSize) {
				throw new RpcError(Status.RESOURCE_EXHAUSTED,
						`the request is ${request.byteLength} bytes, the server accepts at most ${this.#serverMaxFrameSize}`);
			}
			call.id = id;
			// Registered before it is written, so that no answer can arrive for an unknown id.
			this.#calls.set(id, call);
			this.#write(request);
			if (window > 0) {
				this.#send([FrameType.REQUEST_N, id, window]);
			}
			if (timeout > 0) {
				call.timer = setTimeout(() => this.#cancel(call, new RpcError(Status.DEADLINE_EXCEEDED,
						`${call.method} did not complete within ${timeout} ms`)), timeout);
			}
			const signal = options.signal;
			if (signal) {
				const onAbort = () => this.#cancel(call, new RpcError(Status.CANCELLED, `${call.method} was cancelled by the caller`));
				if (signal.aborted) {
					onAbort();
				}
				else {
					signal.addEventListener('abort', onAbort, { once: true });
					call.unlisten = () => signal.removeEventListener('abort', onAbort);
				}
			}
		}
		catch (ex) {
			call.onError(ex instanceof RpcError ? ex : new RpcError(Status.INVALID_ARGUMENT, ex.message));
		}
	}

	// Stops a call still in flight: CANCEL to the server (reason DEADLINE_EXCEEDED for a
	// deadline, CANCELLED otherwise), then the call fails locally with the error.
	#cancel(call, error) {
		if (call.id === undefined || this.#calls.get(call.id) !== call) {
			return;
		}
		const reason = error.code === Status.DEADLINE_EXCEEDED ? Status.DEADLINE_EXCEEDED : Status.CANCELLED;
		this.#send([FrameType.CANCEL, call.id, reason]);
		call.onError(error);
	}

	#requestMore(call, n) {
		if (this.#calls.get(call.id) === call) {
			this.#send([FrameType.REQUEST_N, call.id, n]);
		}
	}

	// Forgets a call that has ended, then runs what completes it.
	#settle(call, completion) {
		if (call.id !== undefined && this.#calls.get(call.id) === call) {
			this.#calls.delete(call.id);
		}
		clearTimeout(call.timer);
		call.unlisten?.();
		completion();
	}

	#checkUsable() {
		if (this.#closedBy) {
			throw this.#closedBy;
		}
		if (this.#goAway) {
			throw new RpcError(Status.UNAVAILABLE, `the server is going away (${this.#goAway.message}); connect again`);
		}
	}

	#newCallId() {
		// Bounded: at most calls.size + 1 ids are looked at.
		for (;;) {
			const id = this.#nextCallId;
			this.#nextCallId = id >= MAX_CALL_ID ? 1 : id + 1;
			if (!this.#calls.has(id)) {
				return id;
			}
		}
	}

	#send(frame) {
		this.#write(frameEncoder.encode(frame));
	}

	#write(bytes) {
		if (this.#socket.readyState === WebSocket.OPEN) {
			this.#socket.send(bytes);
			this.#lastWrite = Date.now();
		}
	}

	#startKeepAlive() {
		const interval = this.#options.keepAlive;
		if (!(interval > 0)) {
			return;
		}
		this.#keepAliveTimer = setInterval(() => {
			if (Date.now() - this.#lastWrite >= interval / 2) {
				this.#send([FrameType.PING, ++this.#pingCount]);
			}
		}, interval / 2);
	}

	#protocolError(code, message) {
		const error = new RpcError(code, message);
		this.#send([FrameType.GOAWAY, code, message]);
		this.#shutdown(error);
	}

	#shutdown(reason) {
		if (this.#closedBy) {
			return;
		}
		this.#closedBy = reason;
		clearInterval(this.#keepAliveTimer);
		if (this.#socket && this.#socket.readyState <= WebSocket.OPEN) {
			this.#socket.close(1000);
		}
		const calls = [...this.#calls.values()];
		this.#calls.clear();
		for (const call of calls) {
			clearTimeout(call.timer);
			call.unlisten?.();
			call.onError(reason);
		}
		this.#resolveClosed(reason);
	}

}

/**
 * The items of a server stream, read with `for await`. It may be iterated once.
 * Breaking out of the loop, or calling {@link ServerStream#cancel}, cancels the call on the
 * server.
 * @implements {AsyncIterableIterator<*>}
 */
export class ServerStream {

	#method;
	#window;
	#connection;
	#call = null;
	#items = [];
	#waiting = null;
	#failure = null;
	#completed = false;
	#finished = false;
	#granted = 0;
	#received = 0;
	#takenSinceGrant = 0;

	/**
	 * Use {@link EasyRpcClient#stream} instead.
	 * @param {string} method the method key
	 * @param {number} window the credit to keep granted
	 * @param {object} connection what the stream asks of its connection: start (the request
	 * and the first credit), cancel, requestMore and settle
	 */
	constructor(method, window, connection) {
		if (!(Number.isInteger(window) && window >= 1 && window <= MAX_CALL_ID)) {
			throw new RangeError(`a stream window is a whole number from 1 to ${MAX_CALL_ID}, not ${window}`);
		}
		this.#method = method;
		this.#window = window;
		this.#connection = connection;
	}

	/**
	 * The stream itself.
	 * @returns {ServerStream} this stream
	 */
	[Symbol.asyncIterator]() {
		return this;
	}

	/**
	 * The next item. The first call starts the stream.
	 * @returns {Promise<IteratorResult<*>>} the next item, or done once the server has
	 * completed the stream; rejects with an {@link RpcError} when it failed
	 */
	next() {
		if (this.#call === null) {
			this.#begin();
		}
		if (this.#items.length > 0) {
			return Promise.resolve(this.#take());
		}
		if (this.#failure) {
			const failure = this.#failure;
			this.#failure = null;
			this.#completed = true;
			return Promise.reject(failure);
		}
		if (this.#completed) {
			return Promise.resolve({ value: undefined, done: true });
		}
		if (this.#waiting) {
			return Promise.reject(new TypeError('next() called again before the previous item arrived'));
		}
		return new Promise((resolve, reject) => {
			this.#waiting = { resolve, reject };
		});
	}

	/**
	 * Stop reading: cancels the call on the server when it is still running. `for await`
	 * calls this when the loop is left early.
	 * @returns {Promise<IteratorResult<*>>} done
	 */
	return() {
		this.cancel();
		return Promise.resolve({ value: undefined, done: true });
	}

	/**
	 * Cancel the stream: the server stops producing, items not read yet are dropped, and a
	 * pending `next()` rejects with `CANCELLED`.
	 */
	cancel() {
		if (this.#call !== null && !this.#finished) {
			this.#connection.cancel(this.#call, new RpcError(Status.CANCELLED, `${this.#method} was cancelled by the caller`));
		}
		this.#items = [];
		this.#failure = null;
		this.#completed = true;
		this.#finished = true;
	}

	#begin() {
		const call = {
			method: this.#method,
			onPayload: (payload) => this.#onResponse(payload),
			onNext: (payload) => this.#onNext(payload),
			onComplete: () => this.#end(null),
			onError: (error) => this.#end(error),
		};
		this.#call = call;
		this.#granted = this.#window;
		this.#connection.start(call);
	}

	#onNext(payload) {
		this.#received++;
		if (this.#received > this.#granted) {
			this.#connection.cancel(this.#call, new RpcError(Status.INTERNAL, `${this.#method} sent more items than it had credit for`));
			return;
		}
		this.#push(payload);
	}

	#onResponse(payload) {
		// A unary method called as a stream: a stream of one item.
		this.#push(payload);
		this.#end(null);
	}

	#push(payload) {
		let item;
		try {
			item = decode(payload);
		}
		catch (ex) {
			this.#connection.cancel(this.#call, new RpcError(Status.INTERNAL, `cannot decode an item of ${this.#method}: ${ex.message}`));
			return;
		}
		if (this.#waiting) {
			const waiting = this.#waiting;
			this.#waiting = null;
			this.#items.push(item);
			waiting.resolve(this.#take());
		}
		else {
			this.#items.push(item);
		}
	}

	#end(error) {
		if (this.#finished) {
			return;
		}
		this.#finished = true;
		this.#connection.settle(this.#call, () => {
			if (this.#waiting) {
				const waiting = this.#waiting;
				this.#waiting = null;
				this.#completed = true;
				if (error) {
					waiting.reject(error);
				}
				else {
					waiting.resolve({ value: undefined, done: true });
				}
			}
			else if (error) {
				// Items that arrived before the failure are still handed out first.
				this.#failure = error;
			}
			else {
				this.#completed = true;
			}
		});
	}

	#take() {
		const value = this.#items.shift();
		this.#takenSinceGrant++;
		const half = Math.ceil(this.#window / 2);
		if (!this.#finished && this.#takenSinceGrant >= half) {
			this.#takenSinceGrant = 0;
			this.#granted += half;
			this.#connection.requestMore(this.#call, half);
		}
		return { value, done: false };
	}

}

class MalformedFrame extends Error {
}

function encodeRequest(id, method, timeout, args) {
	if (typeof method !== 'string' || method.length === 0) {
		throw new RpcError(Status.INVALID_ARGUMENT, 'a method key such as "Greeter.hello" is required');
	}
	if (!(Number.isInteger(timeout) && timeout >= 0)) {
		throw new RpcError(Status.INVALID_ARGUMENT, `a timeout is a whole number of milliseconds, not ${timeout}`);
	}
	const parts = [
		Uint8Array.of(REQUEST_HEADER),
		encode(FrameType.REQUEST),
		encode(id),
		encode(method),
		timeout > 0
			? concat([Uint8Array.of(METADATA_WITH_TIMEOUT_HEADER), encode(METADATA_TIMEOUT_KEY), encode(timeout)])
			: encode(null),
		encode(encode(args ?? [])),
	];
	return concat(parts);
}

function concat(parts) {
	const length = parts.reduce((sum, part) => sum + part.byteLength, 0);
	const result = new Uint8Array(length);
	let offset = 0;
	for (const part of parts) {
		result.set(part, offset);
		offset += part.byteLength;
	}
	return result;
}

function expectLength(frame, length) {
	if (frame.length < length) {
		throw new MalformedFrame(`frame type ${frame[0]} needs ${length} elements, got ${frame.length}`);
	}
}

function callId(frame, length) {
	expectLength(frame, length);
	const id = frame[1];
	if (!Number.isInteger(id) || id < 0 || id > MAX_CALL_ID) {
		throw new MalformedFrame(`call id ${id} out of range`);
	}
	return id;
}

function integer(value, name) {
	if (!Number.isInteger(value)) {
		throw new MalformedFrame(`${name} is not an integer`);
	}
	return value;
}

function binary(value) {
	if (!(value instanceof Uint8Array)) {
		throw new MalformedFrame('a payload is not binary');
	}
	return value;
}

function text(value) {
	if (value === null || value === undefined) {
		return null;
	}
	if (typeof value !== 'string') {
		throw new MalformedFrame('a text element is not a string');
	}
	return value;
}
