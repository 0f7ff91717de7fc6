package io.easyrpc;

import java.net.SocketAddress;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import io.easyrpc.internal.ContextAccess;

/**
 * The context of the call being served on the current thread, and the scope in which a
 * client adds metadata to the calls it makes.
 * <p>
 * On the server, {@link #current()} returns the context while a service method runs on
 * the thread that invoked it: the method key, the peer address, the metadata headers, the
 * deadline, the session id and the {@link #session() server-side session}. On the client,
 * {@link #withMetadata(Map)} opens a scope whose headers are added to every call made
 * from the current thread until the scope is closed.
 */
public final class RpcContext {

	private static final ThreadLocal<RpcContext> CURRENT = new ThreadLocal<>();

	private static final ThreadLocal<Map<String, String>> OUTGOING = new ThreadLocal<>();

	static {
		ContextAccess.register(new ContextAccess() {

			@Override
			public RpcContext attach(RpcContext context) {
				RpcContext previous = CURRENT.get();
				CURRENT.set(context);
				return previous;
			}

			@Override
			public void restore(RpcContext previous) {
				if (previous == null) {
					CURRENT.remove();
				}
				else {
					CURRENT.set(previous);
				}
			}

			@Override
			public ServerSession newSession(String id) {
				return new ServerSession(id);
			}

			@Override
			public void end(ServerSession session) {
				session.end();
			}

			@Override
			public RpcSession newClientSession() {
				return RpcSession.detached();
			}

		});
	}

	private final String methodKey;

	private final @Nullable SocketAddress peerAddress;

	private final Map<String, String> headers;

	private final long deadlineNanos;

	private final @Nullable String sessionId;

	private final @Nullable String idempotencyKey;

	private final @Nullable ServerSession session;

	private volatile boolean cancelled;

	/**
	 * Create a context. Used by the server when it dispatches a call.
	 * @param methodKey the method key
	 * @param peerAddress the peer address, may be {@code null} for in-process peers
	 * @param headers the metadata headers, never {@code null}
	 * @param deadlineNanos the deadline on the {@link System#nanoTime()} clock, or
	 * {@code 0} for none
	 * @param sessionId the session id or {@code null}
	 * @param idempotencyKey the idempotency key or {@code null}
	 */
	public RpcContext(String methodKey, @Nullable SocketAddress peerAddress, Map<String, String> headers,
			long deadlineNanos, @Nullable String sessionId, @Nullable String idempotencyKey) {
		this(methodKey, peerAddress, headers, deadlineNanos, sessionId, idempotencyKey, null);
	}

	/**
	 * Create a context with a server-side session. Used by the server when it dispatches
	 * a call made in an {@link RpcSession}.
	 * @param methodKey the method key
	 * @param peerAddress the peer address, may be {@code null} for in-process peers
	 * @param headers the metadata headers, never {@code null}
	 * @param deadlineNanos the deadline on the {@link System#nanoTime()} clock, or
	 * {@code 0} for none
	 * @param sessionId the session id or {@code null}
	 * @param idempotencyKey the idempotency key or {@code null}
	 * @param session the server-side session or {@code null}
	 */
	public RpcContext(String methodKey, @Nullable SocketAddress peerAddress, Map<String, String> headers,
			long deadlineNanos, @Nullable String sessionId, @Nullable String idempotencyKey,
			@Nullable ServerSession session) {
		this.session = session;
		this.methodKey = methodKey;
		this.peerAddress = peerAddress;
		this.headers = headers;
		this.deadlineNanos = deadlineNanos;
		this.sessionId = sessionId;
		this.idempotencyKey = idempotencyKey;
	}

	/**
	 * Return the context of the call being served on this thread.
	 * @return the context
	 * @throws IllegalStateException if no call is being served on this thread
	 */
	public static RpcContext current() {
		RpcContext context = CURRENT.get();
		if (context == null) {
			throw new IllegalStateException("No easyrpc call is being served on this thread");
		}
		return context;
	}

	/**
	 * Return whether a call is being served on this thread.
	 * @return {@code true} inside a service method invoked by easyrpc
	 */
	public static boolean isActive() {
		return CURRENT.get() != null;
	}

	/**
	 * Open a scope in which every call made from this thread carries the given headers in
	 * its metadata, in addition to those of enclosing scopes. Close the scope, preferably
	 * with try-with-resources, to stop adding them.
	 * @param headers the headers to add
	 * @return the scope
	 */
	public static Scope withMetadata(Map<String, String> headers) {
		Map<String, String> previous = OUTGOING.get();
		Map<String, String> merged = new LinkedHashMap<>();
		if (previous != null) {
			merged.putAll(previous);
		}
		merged.putAll(headers);
		OUTGOING.set(Collections.unmodifiableMap(merged));
		return () -> {
			if (previous == null) {
				OUTGOING.remove();
			}
			else {
				OUTGOING.set(previous);
			}
		};
	}

	/**
	 * Return the headers that calls made from this thread carry because of
	 * {@link #withMetadata(Map)} scopes.
	 * @return the headers, empty if no scope is open
	 */
	public static Map<String, String> outgoingHeaders() {
		Map<String, String> headers = OUTGOING.get();
		return (headers != null) ? headers : Collections.emptyMap();
	}

	/**
	 * Return the key of the method being called, for example {@code Greeter.hello}.
	 * @return the method key
	 */
	public String methodKey() {
		return this.methodKey;
	}

	/**
	 * Return the address of the peer that made the call.
	 * @return the peer address, {@code null} for in-process peers
	 */
	public @Nullable SocketAddress peerAddress() {
		return this.peerAddress;
	}

	/**
	 * Return the free metadata headers sent with the call.
	 * @return the headers, never {@code null}
	 */
	public Map<String, String> headers() {
		return this.headers;
	}

	/**
	 * Return one metadata header.
	 * @param name the header name
	 * @return the value or {@code null}
	 */
	public @Nullable String header(String name) {
		return this.headers.get(name);
	}

	/**
	 * Return the time left until the caller's deadline.
	 * @return the remaining time (negative once passed), or {@code null} if the call has
	 * no deadline
	 */
	public @Nullable Duration timeRemaining() {
		return (this.deadlineNanos != 0) ? Duration.ofNanos(this.deadlineNanos - System.nanoTime()) : null;
	}

	/**
	 * Return the deadline on the {@link System#nanoTime()} clock.
	 * @return the deadline, or {@code 0} if the call has none
	 */
	public long deadlineNanos() {
		return this.deadlineNanos;
	}

	/**
	 * Return the session id sent with the call.
	 * @return the session id or {@code null}
	 */
	public @Nullable String sessionId() {
		return this.sessionId;
	}

	/**
	 * Return the server-side session of the call: the attributes shared by the calls the
	 * client makes in one {@link RpcSession} on this connection.
	 * @return the session, or {@code null} if the call was not made in a session
	 */
	public @Nullable ServerSession session() {
		return this.session;
	}

	/**
	 * Return the idempotency key sent with the call.
	 * @return the idempotency key or {@code null}
	 */
	public @Nullable String idempotencyKey() {
		return this.idempotencyKey;
	}

	/**
	 * Return whether the caller cancelled the call, gave up at its deadline, or lost its
	 * connection. A long-running method may check this and stop early.
	 * @return {@code true} once the result is no longer wanted
	 */
	public boolean isCancelled() {
		return this.cancelled;
	}

	/**
	 * Mark the call as cancelled. Used by the server.
	 */
	public void cancel() {
		this.cancelled = true;
	}

	/**
	 * A scope opened by {@link RpcContext#withMetadata(Map)}.
	 */
	@FunctionalInterface
	public interface Scope extends AutoCloseable {

		/**
		 * Close the scope; calls made afterwards no longer carry its headers.
		 */
		@Override
		void close();

	}

}
