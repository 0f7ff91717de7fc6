package io.easyrpc.internal.client;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.easyrpc.RpcException;
import io.easyrpc.RpcSession;
import io.easyrpc.RpcStatus;
import io.easyrpc.internal.CallObservers;
import io.easyrpc.internal.protocol.Metadata;
import io.easyrpc.middleware.CallInfo;
import io.easyrpc.middleware.CallObservation;
import io.easyrpc.middleware.ClientCallObserver;
import io.netty.util.concurrent.Ticker;
import org.jspecify.annotations.Nullable;

/**
 * Turns each call into a {@link ClientCall} and sends it through a subchannel: the one
 * its session is pinned to, else the one the {@link Balancer} picks. A call stays on the
 * subchannel and connection it started on, and so do the items of a stream; the first
 * call of a session through this router pins the session to its connection.
 * <p>
 * A call that never reached a server (the connection attempt failed, the connection
 * closed before the request was written, the server refused it because it is shutting
 * down) is sent again to another usable instance, up to {@value #MAX_RESENDS} times
 * within its deadline; a call of a session is not. Until the first addresses are known,
 * calls wait for them, within their deadline.
 * <p>
 * A call of an idempotent method carries an idempotency key, the same on every re-send.
 * When its connection closes before the answer, it is re-attached: sent again with its
 * key to the same address, where the server still runs it or has kept its outcome. When
 * it fails with a retryable status, it is retried as its retry settings allows, within
 * its deadline and the channel's retry budget.
 */
public final class CallRouter {

	/** How often one call may be sent again after an instance did not take it. */
	static final int MAX_RESENDS = 5;

	private static final CallOptions END_SESSION = CallOptions.oneWay(RpcSession.END_METHOD, null, null);

	private final String target;

	private final Balancer balancer;

	private final Supplier<ScheduledExecutorService> timers;

	// Calls that wait for the first addresses; guarded by itself.
	private final List<ClientCall> unresolved = new ArrayList<>();

	private final CallObservers<ClientCallObserver> observers;

	private final int streamWindow;

	private final String transport;

	private final RetrySettings retry;

	// Null when the policy never retries.
	private final @Nullable RetryThrottle throttle;

	private volatile boolean closed;

	/**
	 * Create a router over a balancer whose groups are told of their addresses from now
	 * on.
	 * @param balancer the instances and the choice among them
	 * @param observers the observers of calls
	 * @param streamWindow the credit a server stream grants ahead of its consumer
	 * @param transport the transport named in observations, one of the {@link CallInfo}
	 * constants
	 * @param timers times the deadlines of calls that wait for the first addresses, asked
	 * for only when one does
	 */
	public CallRouter(Balancer balancer, List<ClientCallObserver> observers, int streamWindow, String transport,
			Supplier<ScheduledExecutorService> timers) {
		this(balancer, observers, streamWindow, transport, timers, RetrySettings.NONE);
	}

	/**
	 * Create a router over a balancer whose groups are told of their addresses from now
	 * on.
	 * @param balancer the instances and the choice among them
	 * @param observers the observers of calls
	 * @param streamWindow the credit a server stream grants ahead of its consumer
	 * @param transport the transport named in observations, one of the {@link CallInfo}
	 * constants
	 * @param timers times the deadlines of calls that wait for the first addresses and
	 * the back-off of retries, asked for only when needed
	 * @param retry when calls of idempotent methods are retried
	 */
	public CallRouter(Balancer balancer, List<ClientCallObserver> observers, int streamWindow, String transport,
			Supplier<ScheduledExecutorService> timers, RetrySettings retry) {
		this.retry = retry;
		this.throttle = retry.isEnabled() ? new RetryThrottle(retry) : null;
		this.target = balancer.target();
		this.balancer = balancer;
		this.observers = new CallObservers<>(observers, ClientCallObserver::start);
		this.streamWindow = streamWindow;
		this.transport = transport;
		this.timers = timers;
		balancer.onChange(this::addressesChanged);
	}

	/**
	 * Return the balancer.
	 * @return the balancer
	 */
	public Balancer balancer() {
		return this.balancer;
	}

	/**
	 * Return the subchannels of every group.
	 * @return the subchannels
	 */
	public List<Subchannel> subchannels() {
		return this.balancer.subchannels();
	}

	/**
	 * Return the number of calls waiting for addresses, a connection or their response.
	 * @return the pending call count
	 */
	public int pendingCalls() {
		int waiting;
		synchronized (this.unresolved) {
			waiting = this.unresolved.size();
		}
		return waiting + this.balancer.pendingCalls();
	}

	/**
	 * Return whether the current thread is the event loop of a connection of this router.
	 * Blocking there for a result would deadlock, since the result arrives on that
	 * thread.
	 * @return {@code true} on a connection's I/O thread
	 */
	public boolean inEventLoop() {
		return this.balancer.inEventLoop();
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
		boolean idempotent = options.idempotent();
		if (idempotent && effective.idempotencyKey() == null) {
			effective = new Metadata(effective.timeoutMillis(), IdempotencyKeys.next(), effective.sessionId(),
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
		if (idempotent) {
			call.idempotent = true;
			call.retries = this.throttle;
		}
		if (upload != null) {
			call.upload = upload;
			upload.attach(call);
		}
		if (options.routingKeyIndex() >= 0 && args[options.routingKeyIndex()] != null) {
			call.hasRoutingKey = true;
			call.routingHash = Balancer.hash(args[options.routingKeyIndex()]);
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
		route(call);
		return call;
	}

	// Sends a call to the subchannel the balancer picks; with none usable, to the one
	// whose failure tells why, or it waits for the first addresses.
	private void route(ClientCall call) {
		if (this.closed) {
			call.fail(RpcStatus.UNAVAILABLE, closedMessage());
			return;
		}
		Subchannel subchannel = this.balancer.pick(call.routingHash, call.hasRoutingKey, null);
		if (subchannel == null) {
			subchannel = this.balancer.anyRemaining();
		}
		if (subchannel == null) {
			noInstance(call);
			return;
		}
		dispatch(call, subchannel);
	}

	private void dispatch(ClientCall call, Subchannel subchannel) {
		call.assign(subchannel);
		if (call.observation != null) {
			call.observation.instance(subchannel.addressText());
		}
		ClientConnection current = subchannel.usableConnection();
		if (current != null) {
			startOn(subchannel, current, call);
		}
		else {
			subchannel.start(call);
		}
	}

	private void noInstance(ClientCall call) {
		if (!this.balancer.isResolved()) {
			synchronized (this.unresolved) {
				if (!this.balancer.isResolved()) {
					this.unresolved.add(call);
					if (call.deadlineNanos != 0) {
						call.timer = this.timers.get()
							.schedule(() -> waitTimedOut(call), call.remainingNanos(), TimeUnit.NANOSECONDS);
					}
					return;
				}
			}
			route(call);
			return;
		}
		call.fail(RpcStatus.UNAVAILABLE, this.balancer.describeNoInstance());
	}

	private void waitTimedOut(ClientCall call) {
		boolean removed;
		synchronized (this.unresolved) {
			removed = this.unresolved.remove(call);
		}
		if (removed) {
			call.deadlineExceeded();
		}
	}

	// The balancer's addresses changed, or a resolver failed: calls that waited for the
	// first addresses go now, or fail if there still are none.
	private void addressesChanged() {
		List<ClientCall> calls;
		synchronized (this.unresolved) {
			if (this.unresolved.isEmpty() || !this.balancer.isResolved()) {
				return;
			}
			calls = new ArrayList<>(this.unresolved);
			this.unresolved.clear();
		}
		for (ClientCall call : calls) {
			if (call.timer != null) {
				call.timer.cancel(false);
				call.timer = null;
			}
			if (!call.isDone()) {
				route(call);
			}
		}
	}

	/**
	 * Send a call that an instance did not take to another one, or fail it if it may not
	 * move (a call of a session), has been moved too often, has run out of time, or no
	 * other instance is usable.
	 * @param call the call, which never reached a server
	 * @param from the subchannel that did not take it
	 * @param status the status of the failure if the call cannot move
	 * @param message the message of that failure
	 */
	void resend(ClientCall call, Subchannel from, RpcStatus status, String message) {
		if (call.isDone()) {
			return;
		}
		if (this.closed) {
			call.fail(RpcStatus.UNAVAILABLE, closedMessage());
			return;
		}
		Subchannel next = null;
		if (call.session == null && call.resends < MAX_RESENDS && call.remainingNanos() > 0) {
			next = this.balancer.pick(call.routingHash, call.hasRoutingKey, from);
		}
		if (next == null) {
			call.fail(status, message);
			return;
		}
		call.resends++;
		call.connection = null;
		dispatch(call, next);
	}

	/**
	 * Send an idempotent call again with its key to the address it was on, after its
	 * connection closed before the answer: the server there kept running it, or kept its
	 * outcome. Fails the call (which may then be retried) if it may not move (a call of a
	 * session), has been re-attached too often, or has run out of time.
	 * @param call the call, whose request may have reached the server
	 * @param status the status of the failure if the call cannot be re-attached
	 * @param message the message of that failure
	 */
	void reattach(ClientCall call, RpcStatus status, String message) {
		Subchannel on = call.subchannel;
		if (call.isDone()) {
			return;
		}
		if (this.closed || on == null || call.session != null || call.resends >= MAX_RESENDS
				|| call.remainingNanos() <= 0) {
			call.fail(status, message);
			return;
		}
		call.resends++;
		call.connection = null;
		dispatch(call, on);
	}

	/**
	 * Decide whether a failed call of an idempotent method is tried again, and if so
	 * schedule the retry after its back-off. Any thread.
	 * @param call the call
	 * @param error its failure
	 * @return {@code true} if the call will be retried and must not fail now
	 */
	boolean retry(ClientCall call, RpcException error) {
		RetryThrottle budget = call.retries;
		RetrySettings policy = this.retry;
		if (budget == null || this.closed || call.session != null
				|| !policy.retryableStatuses().contains(error.getStatus())) {
			return false;
		}
		boolean allowed = budget.failed();
		if (!allowed || call.attempts + 1 >= policy.maxAttempts()) {
			return false;
		}
		long backoff = policy.backoffNanos(call.attempts + 1);
		// A server that refused the call for overload says when to come back: never
		// sooner.
		long retryAfterMillis = error.getRetryAfterMillis();
		if (retryAfterMillis > 0) {
			backoff = Math.max(backoff, TimeUnit.MILLISECONDS.toNanos(retryAfterMillis));
		}
		if (call.remainingNanos() <= backoff) {
			return false;
		}
		call.attempts++;
		call.connection = null;
		this.timers.get().schedule(() -> {
			if (!call.isDone()) {
				route(call);
			}
		}, backoff, TimeUnit.NANOSECONDS);
		return true;
	}

	/**
	 * Return the retry budget's tokens left.
	 * @return the tokens, or {@code -1} if the channel never retries
	 */
	public double retryTokens() {
		RetryThrottle current = this.throttle;
		return (current != null) ? current.tokens() : -1;
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
		call.assign(binding.subchannel());
		if (call.observation != null) {
			call.observation.instance(binding.subchannel().addressText());
		}
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
		synchronized (this.unresolved) {
			this.unresolved.remove(call);
		}
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
		List<ClientCall> calls;
		synchronized (this.unresolved) {
			calls = new ArrayList<>(this.unresolved);
			this.unresolved.clear();
		}
		for (ClientCall call : calls) {
			call.fail(RpcStatus.UNAVAILABLE, closedMessage());
		}
		this.balancer.close();
	}

	/**
	 * Return whether the router is closed.
	 * @return {@code true} once closed
	 */
	public boolean isClosed() {
		return this.closed;
	}

}
