package io.easyrpc;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

/**
 * A client-side session: the calls made on the current thread while it is open carry its
 * id, which the server sees as {@link RpcContext#sessionId()}, and share the server-side
 * {@link ServerSession} that {@link RpcContext#session()} returns.
 * <p>
 * <pre class="code">
 * try (RpcSession session = RpcSession.open()) {
 *     cart.add(item);      // both calls see the same server-side session
 *     cart.checkout();
 * }
 * </pre> or, scoped to a callback, {@code RpcSession.run(() -> ...)} and
 * {@code RpcSession.call(() -> ...)}.
 * <p>
 * <b>Pinning.</b> For each channel (server address) it calls, a session is bound to the
 * connection its first call on that channel is sent on. Later calls of the session on
 * that channel use the same connection, so they reach the same server instance. If that
 * connection has closed, they fail with {@link RpcStatus#UNAVAILABLE} ("session's
 * connection closed") instead of moving silently to a new connection, where the server
 * would not know the session; open a new session to go on.
 * <p>
 * <b>Threads and async calls.</b> The session is attached to the thread that opened it. A
 * call takes the session id and the pinned connection when it is started, so an async
 * call started inside the session belongs to it even if it completes after the session
 * has closed. Client proxy methods returning {@code Mono}, {@code Flux} or
 * {@code Flow.Publisher} start their call when subscribed, possibly on another thread;
 * the call belongs to the session current when the method was called and fails if that
 * session has closed by then. To make calls of the same session from another thread,
 * attach it there with {@link #enter()}.
 * <p>
 * <b>Nesting.</b> A session opened while another is current replaces it for its scope:
 * calls inside the inner session carry only the inner id and use the inner session's
 * pinning; the outer session is current again once the inner one is closed.
 * <p>
 * <b>End.</b> Closing the session detaches it from the thread and tells each server it
 * called, with a notification to {@link #END_METHOD} on the pinned connection, so that
 * the server drops the session's attributes at once. A server also drops them when the
 * connection closes. Closing is idempotent; calls started in a closed session fail with
 * {@link RpcStatus#INVALID_ARGUMENT}.
 */
public final class RpcSession implements AutoCloseable {

	/**
	 * The method key of the notification that ends a session on the server. The server
	 * handles it itself; it never reaches the service registry.
	 */
	public static final String END_METHOD = "easyrpc/Session.end";

	/** The longest session id a server accepts. */
	public static final int MAX_ID_LENGTH = 128;

	private static final ThreadLocal<RpcSession> CURRENT = new ThreadLocal<>();

	private final String id;

	private final Map<Object, Binding> bindings = new ConcurrentHashMap<>();

	private final Thread openedOn;

	private final @Nullable RpcSession previous;

	private volatile boolean closed;

	private RpcSession(String id) {
		this(id, true);
	}

	private RpcSession(String id, boolean attach) {
		this.id = id;
		this.openedOn = Thread.currentThread();
		this.previous = attach ? CURRENT.get() : null;
		if (attach) {
			CURRENT.set(this);
		}
	}

	// A session with a new random id that is current nowhere: a gateway's session for a
	// caller's session, whose calls enter it for as long as they start.
	static RpcSession detached() {
		return new RpcSession(UUID.randomUUID().toString(), false);
	}

	/**
	 * Open a session with a new random id and make it current on this thread until it is
	 * closed. Use it with try-with-resources.
	 * @return the session
	 */
	public static RpcSession open() {
		return new RpcSession(UUID.randomUUID().toString());
	}

	/**
	 * Run a task in a new session that is closed when the task returns or throws.
	 * @param task the task
	 */
	public static void run(Runnable task) {
		Objects.requireNonNull(task, "task must not be null");
		try (RpcSession session = open()) {
			task.run();
		}
	}

	/**
	 * Call a task in a new session that is closed when the task returns or throws.
	 * @param <T> the result type
	 * @param task the task
	 * @return the task's result
	 * @throws Exception what the task throws
	 */
	public static <T extends @Nullable Object> T call(Callable<T> task) throws Exception {
		Objects.requireNonNull(task, "task must not be null");
		try (RpcSession session = open()) {
			return task.call();
		}
	}

	/**
	 * Return the session current on this thread.
	 * @return the session, or {@code null} if none is open
	 */
	public static @Nullable RpcSession current() {
		return CURRENT.get();
	}

	/**
	 * Return the session id sent with every call of the session.
	 * @return the id
	 */
	public String id() {
		return this.id;
	}

	/**
	 * Return whether the session has been closed.
	 * @return {@code true} once closed
	 */
	public boolean isClosed() {
		return this.closed;
	}

	/**
	 * Make this session current on the calling thread until the returned scope is closed,
	 * for example to make calls of the session from a callback on another thread.
	 * @return the scope; closing it restores the session that was current before
	 */
	public RpcContext.Scope enter() {
		RpcSession before = CURRENT.get();
		CURRENT.set(this);
		return () -> {
			if (before == null) {
				CURRENT.remove();
			}
			else {
				CURRENT.set(before);
			}
		};
	}

	/**
	 * Return the binding of this session to a connection of the given owner. Used by
	 * client transports to pin the session's calls.
	 * @param owner the owner of the connection, for example a channel
	 * @return the binding, or {@code null} if the session has made no call through it
	 */
	public @Nullable Binding binding(Object owner) {
		return this.bindings.get(owner);
	}

	/**
	 * Bind this session to a connection of the given owner unless it is bound already.
	 * Used by client transports when the session's first call through the owner is sent.
	 * A transport that binds a closed session must end it after sending the call.
	 * @param owner the owner of the connection, for example a channel
	 * @param binding the binding to use if there is none yet
	 * @return the binding in effect: the existing one or {@code binding}
	 */
	public Binding bind(Object owner, Binding binding) {
		Binding existing = this.bindings.putIfAbsent(owner, binding);
		if (existing != null) {
			return existing;
		}
		if (this.closed) {
			// Bound by an async call sent after the session closed: the transport ends
			// the session again after sending it.
			this.bindings.remove(owner, binding);
		}
		return binding;
	}

	/**
	 * Close the session: detach it from the thread that opened it (if still current
	 * there) and end it on every server it called.
	 */
	@Override
	public void close() {
		if (this.closed) {
			return;
		}
		this.closed = true;
		if (Thread.currentThread() == this.openedOn && CURRENT.get() == this) {
			if (this.previous == null) {
				CURRENT.remove();
			}
			else {
				CURRENT.set(this.previous);
			}
		}
		List<Object> owners = new ArrayList<>(this.bindings.keySet());
		for (Object owner : owners) {
			Binding binding = this.bindings.remove(owner);
			if (binding != null) {
				binding.end(this);
			}
		}
	}

	@Override
	public String toString() {
		return "RpcSession " + this.id;
	}

	/**
	 * The link between a session and one connection, kept by the client transport.
	 */
	public interface Binding {

		/**
		 * Tell the server at the other end of the connection that the session has ended,
		 * if the connection is still open. Must not block.
		 * @param session the session
		 */
		void end(RpcSession session);

	}

}
