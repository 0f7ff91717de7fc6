package io.easyrpc.internal.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

import io.easyrpc.RpcException;
import io.easyrpc.RpcStatus;
import io.easyrpc.codec.ObjectCodec;
import io.easyrpc.internal.protocol.SharedSecret;
import io.easyrpc.middleware.ProcessorChain;
import io.easyrpc.transport.RpcAddress;
import io.netty.channel.ChannelFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client's link to one server address: at most one {@link ClientConnection} at a
 * time, made when a call needs it, and the back-off between failed attempts.
 * <p>
 * A connection counts as made once the server's preface has arrived (and TLS and the
 * shared-secret handshake, if any, are done). Calls that arrive while an attempt is under
 * way wait for it. A failed attempt fails the waiting calls and moves to
 * {@link State#TRANSIENT_FAILURE}: every call fails at once until the back-off has
 * passed, and the first call after it tries again. A success resets the back-off. A lost
 * connection, or one the server is closing, moves back to {@link State#IDLE}: the next
 * call makes a new one.
 * <p>
 * Calls that never reached the server (the attempt failed, the back-off is under way, the
 * subchannel drains) are handed back to their router, which sends them to another
 * instance or fails them. A subchannel whose calls fail with
 * {@link RpcStatus#UNAVAILABLE} {@value #EJECTION_THRESHOLD} times in a row is ejected:
 * routers skip it for 10 seconds times the number of its ejections so far, at most
 * {@value #MAX_EJECTION_SECONDS} seconds, unless no other instance is usable; the first
 * call after that probes it.
 * <p>
 * A connection that was made and then lost (closed by the peer or the network, or told to
 * go away by its server) is logged once at {@code WARN} with the reason; the next
 * connection made after it is logged once at {@code INFO}. Failed attempts in between are
 * logged at {@code DEBUG} only, so that a server that stays down does not flood the log.
 */
public final class Subchannel {

	private static final Logger logger = LoggerFactory.getLogger(Subchannel.class);

	/** Failed calls in a row that eject a subchannel. */
	static final int EJECTION_THRESHOLD = 5;

	/** The longest ejection, in seconds. */
	static final int MAX_EJECTION_SECONDS = 120;

	private static final long EJECTION_NANOS = TimeUnit.SECONDS.toNanos(10);

	private final RpcAddress address;

	private final String addressText;

	private final Connector connector;

	private final ConnectionSettings settings;

	private final ExponentialBackoffPolicy backoff;

	private final LongSupplier nanoClock;

	private final List<StateListener> listeners = new CopyOnWriteArrayList<>();

	private final Object lock = new Object();

	// Read without the lock on the call path, written under it.
	private volatile ClientConnection connection;

	private ChannelFuture connecting;

	private List<ClientCall> waiting = new ArrayList<>();

	// Pings waiting for the attempt under way.
	private List<CompletableFuture<ClientConnection>> connectionWaiters = new ArrayList<>();

	private long lastBackoffNanos;

	private Throwable lastFailure;

	private volatile State state = State.IDLE;

	// Read without the lock by pickers.
	private volatile long retryAt;

	private volatile boolean draining;

	private volatile long ejectedUntil;

	private volatile long ejections;

	// Written by the threads that end calls; a lost update only delays an ejection.
	private volatile int failuresInARow;

	private final AtomicInteger outstanding = new AtomicInteger();

	// Set under the lock by an attempt that failed inside start(), run by start() after.
	private Runnable failedAtOnce;

	// When the last connection was lost, while no new one was made; 0 otherwise. Under
	// the lock.
	private long lostAtNanos;

	/**
	 * Create a subchannel, {@link State#IDLE} until a call needs a connection.
	 * @param address the server address
	 * @param connector makes the connections
	 * @param settings the settings of each connection
	 * @param backoff the waits between failed attempts
	 * @param nanoClock the clock that times the back-off, {@code System::nanoTime} but in
	 * tests
	 */
	public Subchannel(RpcAddress address, Connector connector, ConnectionSettings settings,
			ExponentialBackoffPolicy backoff, LongSupplier nanoClock) {
		this.address = address;
		this.addressText = address.toString();
		this.connector = connector;
		this.settings = settings;
		this.backoff = backoff;
		this.nanoClock = nanoClock;
	}

	/**
	 * Return the server address.
	 * @return the address
	 */
	public RpcAddress address() {
		return this.address;
	}

	String addressText() {
		return this.addressText;
	}

	/**
	 * Return the state.
	 * @return the state
	 */
	public State state() {
		return this.state;
	}

	/**
	 * Add a listener of state changes.
	 * @param listener the listener
	 */
	public void addStateListener(StateListener listener) {
		this.listeners.add(listener);
	}

	/**
	 * Return the number of calls waiting for a connection or for their response.
	 * @return the pending call count
	 */
	public int pendingCalls() {
		synchronized (this.lock) {
			ClientConnection current = this.connection;
			return this.waiting.size() + ((current != null) ? current.pendingCount() : 0);
		}
	}

	/**
	 * Return whether the current thread is the event loop of the current connection.
	 * @return {@code true} on the connection's I/O thread
	 */
	public boolean inEventLoop() {
		ClientConnection current = this.connection;
		return current != null && current.inEventLoop();
	}

	/**
	 * Return whether a router may choose this subchannel for a new call: it is not shut
	 * down, not draining, not ejected and not waiting out the back-off after a failed
	 * attempt.
	 * @param now the time on the subchannel's clock
	 * @return {@code true} if usable
	 */
	public boolean isUsable(long now) {
		return isUsable(now, false);
	}

	/**
	 * Return whether a router may choose this subchannel for a new call, optionally even
	 * while it is ejected (when no other instance is usable).
	 * @param now the time on the subchannel's clock
	 * @param evenEjected whether an ejection is ignored
	 * @return {@code true} if usable
	 */
	public boolean isUsable(long now, boolean evenEjected) {
		State current = this.state;
		if (current == State.SHUTDOWN || this.draining || (!evenEjected && this.ejectedUntil - now > 0)) {
			return false;
		}
		return current != State.TRANSIENT_FAILURE || this.retryAt - now <= 0;
	}

	/**
	 * Return whether the subchannel is ejected.
	 * @param now the time on the subchannel's clock
	 * @return {@code true} while ejected
	 */
	public boolean isEjected(long now) {
		return this.ejectedUntil - now > 0;
	}

	/**
	 * Return how often the subchannel was ejected.
	 * @return the count
	 */
	public long ejections() {
		return this.ejections;
	}

	/**
	 * Return whether the subchannel drains: its address is gone, it takes no new calls
	 * and closes once those it has are done.
	 * @return {@code true} once draining
	 */
	public boolean isDraining() {
		return this.draining;
	}

	/**
	 * Return the number of calls routed here that have not ended.
	 * @return the count
	 */
	public int outstandingCalls() {
		return this.outstanding.get();
	}

	void callStarted() {
		this.outstanding.incrementAndGet();
	}

	// A call routed here ended; UNAVAILABLE counts against the instance, any other
	// outcome is an answer from it.
	void callEnded(RpcStatus status) {
		this.outstanding.decrementAndGet();
		if (status == RpcStatus.UNAVAILABLE) {
			failed();
		}
		else if (this.failuresInARow != 0) {
			this.failuresInARow = 0;
		}
	}

	// Failures while ejected are calls that were already under way or that went here
	// because nothing else was usable: they neither extend the ejection nor count towards
	// the next one.
	private void failed() {
		long now = this.nanoClock.getAsLong();
		if (this.ejectedUntil - now > 0) {
			return;
		}
		int failures = ++this.failuresInARow;
		if (failures >= EJECTION_THRESHOLD) {
			this.failuresInARow = 0;
			long count = ++this.ejections;
			long duration = Math.min(EJECTION_NANOS * count, TimeUnit.SECONDS.toNanos(MAX_EJECTION_SECONDS));
			this.ejectedUntil = now + duration;
			logger.warn("Ejected {} for {} s after {} failed calls in a row (ejection {})", this.address,
					TimeUnit.NANOSECONDS.toSeconds(duration), failures, count);
		}
	}

	// The connection calls can start on at once, or null.
	ClientConnection usableConnection() {
		ClientConnection current = this.connection;
		return (current != null && current.isUsable()) ? current : null;
	}

	/**
	 * Start a call once there is a connection: at once if there is one, else when the
	 * attempt this call starts, or the one under way, succeeds. The call is handed to its
	 * router to be sent.
	 * @param call the call
	 */
	void start(ClientCall call) {
		ClientConnection current;
		String refused = null;
		RpcStatus refusedStatus = RpcStatus.UNAVAILABLE;
		boolean queued = false;
		Runnable failedAtOnce;
		synchronized (this.lock) {
			current = this.connection;
			if (this.state == State.SHUTDOWN || this.draining) {
				refused = closedMessage();
			}
			else if (current == null || !current.isUsable()) {
				this.connection = null;
				ChannelFuture attempt = this.connecting;
				if (attempt == null) {
					long wait = this.retryAt - this.nanoClock.getAsLong();
					if (this.lastFailure != null && wait > 0) {
						refused = failureMessage(this.lastFailure) + " (next attempt in "
								+ TimeUnit.NANOSECONDS.toMillis(wait) + " ms)";
						refusedStatus = status(this.lastFailure);
					}
					else {
						// Waiting before the attempt starts: it may fail at once.
						this.waiting.add(call);
						attempt = connect();
					}
				}
				else {
					this.waiting.add(call);
				}
				if (attempt != null) {
					queued = true;
					// Unless the attempt already failed and took the call with it.
					if (call.deadlineNanos != 0 && !call.isDone() && this.failedAtOnce == null) {
						call.timer = attempt.channel()
							.eventLoop()
							.schedule(() -> waitTimedOut(call), call.remainingNanos(), TimeUnit.NANOSECONDS);
					}
				}
			}
			failedAtOnce = this.failedAtOnce;
			this.failedAtOnce = null;
		}
		if (failedAtOnce != null) {
			failedAtOnce.run();
		}
		if (queued) {
			return;
		}
		if (refused != null) {
			// Never sent: another instance may take it.
			call.router.resend(call, this, refusedStatus, refused);
			return;
		}
		call.router.startOn(this, current, call);
	}

	/**
	 * Ping the server over this subchannel's connection, making one if there is none
	 * (unless the back-off after a failed attempt is under way).
	 * @param timeoutNanos how long to wait for the pong once connected
	 * @return the round trip; fails with an {@link RpcException}:
	 * {@link RpcStatus#UNAVAILABLE} when no connection can be made or it closes first,
	 * {@link RpcStatus#DEADLINE_EXCEEDED} without a pong in time
	 */
	public CompletableFuture<Duration> ping(long timeoutNanos) {
		return connection().thenCompose((connection) -> connection.ping(timeoutNanos));
	}

	// The current connection, or the one the attempt under way or started now makes.
	private CompletableFuture<ClientConnection> connection() {
		CompletableFuture<ClientConnection> result = new CompletableFuture<>();
		Runnable failedAtOnce;
		synchronized (this.lock) {
			ClientConnection current = this.connection;
			if (this.state == State.SHUTDOWN || this.draining) {
				result.completeExceptionally(new RpcException(RpcStatus.UNAVAILABLE, closedMessage()));
			}
			else if (current != null && current.isUsable()) {
				result.complete(current);
			}
			else {
				long wait = this.retryAt - this.nanoClock.getAsLong();
				if (this.connecting == null && this.lastFailure != null && wait > 0) {
					result.completeExceptionally(
							new RpcException(status(this.lastFailure), failureMessage(this.lastFailure)
									+ " (next attempt in " + TimeUnit.NANOSECONDS.toMillis(wait) + " ms)"));
				}
				else {
					this.connectionWaiters.add(result);
					if (this.connecting == null) {
						this.connection = null;
						connect();
					}
				}
			}
			failedAtOnce = this.failedAtOnce;
			this.failedAtOnce = null;
		}
		if (failedAtOnce != null) {
			failedAtOnce.run();
		}
		return result;
	}

	private String closedMessage() {
		return "Client for " + this.address + " is closed";
	}

	private ChannelFuture connect() {
		setState(State.CONNECTING);
		ConnectionSettings settings = this.settings;
		ClientConnection handler = new ClientConnection(this, settings.codec(), settings.processors(),
				settings.maxFrameSize(), Math.max(1, settings.connectTimeoutMillis()), settings.keepAliveNanos(),
				settings.secret());
		ChannelFuture future = this.connector.connect(handler);
		this.connecting = future;
		future.addListener((done) -> {
			if (!done.isSuccess()) {
				handler.connectFailed(done.cause());
			}
		});
		handler.ready().whenComplete((ready, failure) -> connected(future, handler, failure));
		return future;
	}

	// Called once the server's preface has arrived, or the attempt failed.
	private void connected(ChannelFuture future, ClientConnection handler, Throwable failure) {
		List<ClientCall> calls;
		boolean success = failure == null;
		boolean shutdown;
		long lostAt = 0;
		List<CompletableFuture<ClientConnection>> waiters;
		synchronized (this.lock) {
			this.connecting = null;
			calls = this.waiting;
			this.waiting = new ArrayList<>();
			waiters = this.connectionWaiters;
			this.connectionWaiters = new ArrayList<>();
			shutdown = this.state == State.SHUTDOWN || this.draining;
			if (success && !shutdown) {
				this.connection = handler;
				lostAt = this.lostAtNanos;
				this.lostAtNanos = 0;
				this.lastFailure = null;
				this.backoff.reset();
				setState(State.READY);
			}
			else if (!success && !shutdown) {
				this.lastFailure = failure;
				this.lastBackoffNanos = this.backoff.nextBackoffNanos();
				this.retryAt = this.nanoClock.getAsLong() + this.lastBackoffNanos;
				setState(State.TRANSIENT_FAILURE);
			}
		}
		if (success && shutdown) {
			future.channel().close();
		}
		if (success && !shutdown) {
			if (lostAt != 0) {
				logger.info("Re-established the connection to easyrpc server {} after {} ms", this.address,
						Math.max(0, TimeUnit.NANOSECONDS.toMillis(this.nanoClock.getAsLong() - lostAt)));
			}
			else {
				logger.debug("Connected to easyrpc server {}", this.address);
			}
			for (ClientCall call : calls) {
				call.router.startOn(this, handler, call);
			}
			waiters.forEach((waiter) -> waiter.complete(handler));
			return;
		}
		String message = shutdown ? closedMessage() : failureMessage(failure);
		RpcStatus status = shutdown ? RpcStatus.UNAVAILABLE : status(failure);
		if (!shutdown) {
			if (status == RpcStatus.UNAUTHENTICATED) {
				logger.warn("{}; retrying after {} ms at the next call", message,
						TimeUnit.NANOSECONDS.toMillis(this.lastBackoffNanos));
			}
			else {
				logger.debug("{}; retrying after {} ms at the next call", message,
						TimeUnit.NANOSECONDS.toMillis(this.lastBackoffNanos));
			}
		}
		if (Thread.holdsLock(this.lock)) {
			// The attempt failed at once, inside start(): the calls move on once it has
			// let go of the lock, never while holding it.
			this.failedAtOnce = () -> {
				resendAll(calls, status, message);
				failWaiters(waiters, status, message);
			};
			return;
		}
		resendAll(calls, status, message);
		failWaiters(waiters, status, message);
	}

	private static void failWaiters(List<CompletableFuture<ClientConnection>> waiters, RpcStatus status,
			String message) {
		for (CompletableFuture<ClientConnection> waiter : waiters) {
			waiter.completeExceptionally(new RpcException(status, message));
		}
	}

	// Hands calls that never reached the server back to their routers.
	private void resendAll(List<ClientCall> calls, RpcStatus status, String message) {
		for (ClientCall call : calls) {
			if (call.timer != null) {
				call.timer.cancel(false);
				call.timer = null;
			}
			call.router.resend(call, this, status, message);
		}
	}

	// Under the lock, so that listeners see the changes in order.
	private void setState(State next) {
		if (this.state == next) {
			return;
		}
		this.state = next;
		for (StateListener listener : this.listeners) {
			listener.stateChanged(this, next);
		}
	}

	// A refusal by the server (or of the server) carries its own status and a message
	// that names the server; anything else is a failure to connect.
	private static RpcStatus status(Throwable failure) {
		return (failure instanceof RpcException rpc) ? rpc.getStatus() : RpcStatus.UNAVAILABLE;
	}

	private String failureMessage(Throwable failure) {
		if (failure instanceof RpcException rpc && rpc.getDescription() != null) {
			return rpc.getDescription();
		}
		return "Cannot connect to " + this.address + ": " + describe(failure);
	}

	private static String describe(Throwable failure) {
		if (failure == null) {
			return "unknown error";
		}
		Throwable root = failure;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		String message = root.getMessage();
		return (message != null) ? message : root.getClass().getSimpleName();
	}

	private void waitTimedOut(ClientCall call) {
		boolean removed;
		synchronized (this.lock) {
			removed = this.waiting.remove(call);
		}
		if (removed) {
			call.deadlineExceeded();
		}
	}

	// A cancelled call that was still waiting for the connection.
	void cancelWaiting(ClientCall call) {
		synchronized (this.lock) {
			this.waiting.remove(call);
		}
	}

	void connectionGoingAway(ClientConnection closing) {
		boolean lost;
		synchronized (this.lock) {
			lost = this.connection == closing && lost();
			if (this.connection == closing) {
				this.connection = null;
				setState(State.IDLE);
			}
		}
		if (lost) {
			logger.warn("Lost the connection to easyrpc server {}: {}", this.address, closing.lossReason());
		}
	}

	void connectionClosed(ClientConnection closed) {
		boolean lost;
		synchronized (this.lock) {
			// A connection this side closes (drain, shut down, idle after a GOAWAY) is
			// not lost.
			lost = this.connection == closed && !closed.isClosingWhenIdle() && lost();
			if (this.connection == closed) {
				this.connection = null;
				setState((this.state == State.SHUTDOWN || this.draining) ? State.SHUTDOWN : State.IDLE);
			}
		}
		if (lost) {
			logger.warn("Lost the connection to easyrpc server {}: {}", this.address, closed.lossReason());
		}
	}

	// Under the lock: whether losing the current connection is news.
	private boolean lost() {
		if (this.state == State.SHUTDOWN || this.draining || this.lostAtNanos != 0) {
			return false;
		}
		long now = this.nanoClock.getAsLong();
		this.lostAtNanos = (now != 0) ? now : 1;
		return true;
	}

	/**
	 * Drain: take no new calls, hand those waiting for a connection back to their router,
	 * and close the connection once the calls on it have ended. Used when the address is
	 * no longer among the target's instances.
	 */
	public void drain() {
		ClientConnection current;
		List<ClientCall> calls;
		synchronized (this.lock) {
			if (this.state == State.SHUTDOWN || this.draining) {
				return;
			}
			this.draining = true;
			current = this.connection;
			calls = this.waiting;
			this.waiting = new ArrayList<>();
		}
		logger.debug("Draining {}: the address is no longer an instance of its target", this.address);
		resendAll(calls, RpcStatus.UNAVAILABLE, this.address + " is no longer an instance");
		if (current != null) {
			current.closeWhenIdle();
		}
		else {
			shutdown();
		}
	}

	/**
	 * Shut down for good: fail the waiting calls with {@link RpcStatus#UNAVAILABLE},
	 * refuse new ones, and close the connection once what was written is flushed, waiting
	 * up to two seconds for it; its pending calls fail.
	 */
	public void shutdown() {
		ClientConnection current;
		List<ClientCall> calls;
		synchronized (this.lock) {
			if (this.state == State.SHUTDOWN) {
				return;
			}
			setState(State.SHUTDOWN);
			current = this.connection;
			this.connection = null;
			calls = this.waiting;
			this.waiting = new ArrayList<>();
		}
		for (ClientCall call : calls) {
			call.fail(RpcStatus.UNAVAILABLE, closedMessage());
		}
		if (current != null && current.channel() != null) {
			current.closeAfterFlush().awaitUninterruptibly(2, TimeUnit.SECONDS);
		}
	}

	@Override
	public String toString() {
		return "Subchannel " + this.addressText + " " + this.state;
	}

	/**
	 * The state of a subchannel.
	 */
	public enum State {

		/** No connection; the next call makes one. */
		IDLE,

		/** A connection attempt is under way. */
		CONNECTING,

		/** Connected. */
		READY,

		/**
		 * The last connection attempt failed; calls fail until the back-off has passed.
		 */
		TRANSIENT_FAILURE,

		/** Shut down for good. */
		SHUTDOWN

	}

	/**
	 * Makes a connection to the subchannel's address.
	 */
	@FunctionalInterface
	public interface Connector {

		/**
		 * Start connecting, with the handler last in the pipeline. A failed future fails
		 * the attempt; so does a failure the pipeline reports to
		 * {@code ClientConnection.connectFailed}.
		 * @param handler the connection's handler
		 * @return the future of the connect
		 */
		ChannelFuture connect(ClientConnection handler);

	}

	/**
	 * Told of every state change, under the subchannel's lock: it must be quick and must
	 * not call back into the subchannel.
	 */
	@FunctionalInterface
	public interface StateListener {

		/**
		 * The state changed.
		 * @param subchannel the subchannel
		 * @param state the new state
		 */
		void stateChanged(Subchannel subchannel, State state);

	}

	/**
	 * The settings of each connection of a subchannel.
	 *
	 * @param codec the codec of arguments and results
	 * @param processors the payload processors
	 * @param maxFrameSize the largest frame accepted from the server
	 * @param connectTimeoutMillis how long the server's preface and handshakes may take
	 * @param keepAliveNanos the keep-alive interval, zero for none
	 * @param secret the shared secret, or {@code null}
	 */
	public record ConnectionSettings(ObjectCodec codec, ProcessorChain processors, int maxFrameSize,
			int connectTimeoutMillis, long keepAliveNanos, SharedSecret secret) {
	}

}
