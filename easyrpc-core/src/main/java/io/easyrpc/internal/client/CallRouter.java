package io.easyrpc.internal.client;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.easyrpc.RpcSession;
import io.easyrpc.RpcStatus;
import io.easyrpc.internal.CallObservers;
import io.easyrpc.internal.protocol.Metadata;
import io.easyrpc.middleware.CallInfo;
import io.easyrpc.middleware.CallObservation;
import io.easyrpc.middleware.ClientCallObserver;
import io.netty.util.concurrent.Ticker;

/**
 * Turns each call into a {@link ClientCall} and sends it through a subchannel: the one
 * its session is pinned to, else the one the {@link SubchannelPicker} chooses. A call
 * stays on the subchannel and connection it started on, and so do the items of a stream;
 * the first call of a session through this router pins the session to its connection.
 */
public final class CallRouter {

	private static final CallOptions END_SESSION = CallOptions.oneWay(RpcSession.END_METHOD, null, null);

	private final String target;

	private final List<Subchannel> subchannels;

	private final SubchannelPicker picker;

	private final CallObservers<ClientCallObserver> observers;

	private final int streamWindow;

	private final String transport;

	private volatile boolean closed;

	/**
	 * Create a router.
	 * @param target what the router calls, named in messages and observations
	 * @param subchannels the subchannels, at least one
	 * @param picker chooses among the subchannels
	 * @param observers the observers of calls
	 * @param streamWindow the credit a server stream grants ahead of its consumer
	 * @param transport the transport named in observations, one of the {@link CallInfo}
	 * constants
	 */
	public CallRouter(String target, List<Subchannel> subchannels, SubchannelPicker picker,
			List<ClientCallObserver> observers, int streamWindow, String transport) {
		if (subchannels.isEmpty()) {
			throw new IllegalArgumentException("A router needs at least one subchannel");
		}
		this.target = target;
		this.subchannels = List.copyOf(subchannels);
		this.picker = picker;
		this.observers = new CallObservers<>(observers, ClientCallObserver::start);
		this.streamWindow = streamWindow;
		this.transport = transport;
	}

	/**
	 * Return the subchannels.
	 * @return the subchannels
	 */
	public List<Subchannel> subchannels() {
		return this.subchannels;
	}

	/**
	 * Return the number of calls waiting for a connection or their response.
	 * @return the pending call count
	 */
	public int pendingCalls() {
		int count = 0;
		for (Subchannel subchannel : this.subchannels) {
			count += subchannel.pendingCalls();
		}
		return count;
	}

	/**
	 * Return whether the current thread is the event loop of a connection of this router.
	 * Blocking there for a result would deadlock, since the result arrives on that
	 * thread.
	 * @return {@code true} on a connection's I/O thread
	 */
	public boolean inEventLoop() {
		for (Subchannel subchannel : this.subchannels) {
			if (subchannel.inEventLoop()) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Start a call.
	 * @param options what the call does
	 * @param arguments the arguments; for an upload, {@code null} at the stream
	 * argument's position
	 * @param metadata the metadata, or {@code null}; its timeout is replaced by the one
	 * of the options
	 * @param upload sends the items of a stream argument once the call has started, or
	 * {@code null}
	 * @param signal for a stream, called when items or the end arrive, or {@code null}
	 * @return the call, a {@link ClientStream} for {@link CallOptions.Kind#STREAM}
	 */
	public ClientCall start(CallOptions options, Object[] arguments, Metadata metadata, ClientUpload upload,
			Runnable signal) {
		long timeoutNanos = options.timeoutNanos();
		long timeoutMillis = options.timeoutMillis();
		Metadata effective = (metadata != null) ? metadata : Metadata.EMPTY;
		RpcSession session = RpcSession.current();
		if (session != null && effective.sessionId() == null) {
			effective = new Metadata(timeoutMillis, effective.idempotencyKey(), session.id(), effective.headers());
		}
		else if (effective.timeoutMillis() != timeoutMillis) {
			effective = new Metadata(timeoutMillis, effective.idempotencyKey(), effective.sessionId(),
					effective.headers());
		}
		boolean stream = options.kind() == CallOptions.Kind.STREAM;
		CallObservation observation = null;
		if (!this.observers.isEmpty()) {
			Map<String, String> headers = new LinkedHashMap<>(effective.headers());
			observation = this.observers.start(new CallInfo(options.method(), this.target, headers,
					options.kind() == CallOptions.Kind.ONE_WAY, stream, upload != null, this.transport));
			effective = new Metadata(effective.timeoutMillis(), effective.idempotencyKey(), effective.sessionId(),
					headers);
		}
		// On the clock of the event loops, which time the deadline once the call is sent.
		long deadline = (timeoutNanos > 0) ? Ticker.systemTicker().nanoTime() + timeoutNanos : 0;
		Object[] args = (arguments != null) ? arguments : new Object[0];
		ClientCall call;
		if (stream) {
			ClientStream items = new ClientStream(this, options, args, effective, deadline, this.streamWindow);
			items.signal(signal);
			call = items;
		}
		else if (options.kind() == CallOptions.Kind.FORWARD || options.kind() == CallOptions.Kind.FORWARD_ONE_WAY) {
			call = new ForwardedCall(this, options, args, effective, deadline);
		}
		else {
			call = new ClientCall(this, options, args, effective, deadline);
		}
		call.observation = observation;
		if (upload != null) {
			call.upload = upload;
			upload.attach(call);
		}
		if (session != null) {
			call.session = session;
			if (session.isClosed()) {
				call.fail(RpcStatus.INVALID_ARGUMENT,
						"Cannot call " + options.method() + " in " + session + ": it is closed");
				return call;
			}
			if (session.binding(this) instanceof SessionBinding binding) {
				startPinned(binding, call);
				return call;
			}
		}
		Subchannel subchannel = this.picker.pick(options, effective);
		call.subchannel = subchannel;
		ClientConnection current = subchannel.usableConnection();
		if (current != null && !this.closed) {
			startOn(subchannel, current, call);
			return call;
		}
		if (this.closed) {
			call.fail(RpcStatus.UNAVAILABLE, closedMessage());
			return call;
		}
		subchannel.start(call);
		return call;
	}

	/**
	 * Send a call on a connection of a subchannel. A call of a session goes to the
	 * connection the session is pinned to, pinning it to this one if it is the session's
	 * first call through this router.
	 */
	void startOn(Subchannel subchannel, ClientConnection connection, ClientCall call) {
		RpcSession session = call.session;
		if (session != null) {
			RpcSession.Binding bound = session.bind(this, new SessionBinding(this, subchannel, connection));
			if (bound instanceof SessionBinding binding && binding.connection() != connection) {
				startPinned(binding, call);
				return;
			}
			connection.start(call);
			if (session.isClosed()) {
				// The session closed while its first call here waited for the connection:
				// end it after that call, so that the server does not keep it.
				endSession(connection, session);
			}
			return;
		}
		connection.start(call);
	}

	private void startPinned(SessionBinding binding, ClientCall call) {
		ClientConnection pinned = binding.connection();
		call.subchannel = binding.subchannel();
		if (this.closed) {
			call.fail(RpcStatus.UNAVAILABLE, closedMessage());
		}
		else if (!pinned.isUsable()) {
			call.fail(RpcStatus.UNAVAILABLE,
					"The session's connection closed: " + call.session + " was bound to a connection to "
							+ binding.subchannel().address()
							+ " that is gone, and its calls do not move to another one; open a new session");
		}
		else {
			pinned.start(call);
		}
	}

	// Sends the end of a session on the connection it was bound to, if still open.
	void endSession(ClientConnection connection, RpcSession session) {
		if (this.closed || !connection.isUsable()) {
			return;
		}
		ClientCall end = new ClientCall(this, END_SESSION, new Object[0], new Metadata(0, null, session.id(), null), 0);
		connection.start(end);
	}

	void cancelled(ClientCall call) {
		ClientConnection current = call.connection;
		if (current != null) {
			current.cancel(call);
			return;
		}
		Subchannel subchannel = call.subchannel;
		if (subchannel != null) {
			subchannel.cancelWaiting(call);
		}
	}

	private String closedMessage() {
		return "Client for " + this.target + " is closed";
	}

	/**
	 * Close for good: refuse new calls and shut every subchannel down, failing the calls
	 * still pending.
	 */
	public void close() {
		if (this.closed) {
			return;
		}
		this.closed = true;
		for (Subchannel subchannel : this.subchannels) {
			subchannel.shutdown();
		}
	}

	/**
	 * Return whether the router is closed.
	 * @return {@code true} once closed
	 */
	public boolean isClosed() {
		return this.closed;
	}

}
