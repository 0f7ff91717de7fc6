package io.easyrpc.internal.client;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import io.easyrpc.RpcException;
import io.easyrpc.codec.ValueType;
import io.easyrpc.internal.protocol.Metadata;
import org.jspecify.annotations.Nullable;

/**
 * What stays the same from one call of a method to the next: its key, the kind of call,
 * the declared types, the deadline and how remote errors become exceptions. Immutable;
 * built once per client method, so that a call carries only its arguments and metadata
 * besides.
 */
public final class CallOptions {

	private static final ValueType[] NO_TYPES = new ValueType[0];

	private final String method;

	private final Kind kind;

	private final ValueType[] argumentTypes;

	private final ValueType resultType;

	private static final Duration MAX_TIMEOUT = Duration.ofMillis(Metadata.MAX_TIMEOUT_MILLIS);

	private final long timeoutNanos;

	private final long timeoutMillis;

	// Streams only: the longest silence between items, zero for no limit.
	private final long idleTimeoutNanos;

	private final Function<RpcException, Throwable> errorMapper;

	private final int routingKeyIndex;

	private final boolean idempotent;

	// Null for positional arguments, else the parameter names the arguments are sent
	// under, one per argument.
	private final String @Nullable [] argumentNames;

	private CallOptions(String method, Kind kind, ValueType[] argumentTypes, ValueType resultType, Duration timeout,
			Function<RpcException, Throwable> errorMapper) {
		this.method = Objects.requireNonNull(method, "method must not be null");
		this.kind = kind;
		this.argumentTypes = (argumentTypes != null) ? argumentTypes : NO_TYPES;
		this.resultType = resultType;
		this.timeoutNanos = (kind != Kind.ONE_WAY && kind != Kind.FORWARD_ONE_WAY && timeout != null
				&& !timeout.isNegative()) ? clamp(timeout).toNanos() : 0;
		this.timeoutMillis = (this.timeoutNanos > 0) ? Math.max(1, TimeUnit.NANOSECONDS.toMillis(this.timeoutNanos))
				: 0;
		this.errorMapper = errorMapper;
		this.routingKeyIndex = -1;
		this.idempotent = false;
		this.idleTimeoutNanos = 0;
		this.argumentNames = null;
	}

	private CallOptions(CallOptions options, long idleTimeoutNanos) {
		this.method = options.method;
		this.kind = options.kind;
		this.argumentTypes = options.argumentTypes;
		this.resultType = options.resultType;
		this.timeoutNanos = options.timeoutNanos;
		this.timeoutMillis = options.timeoutMillis;
		this.errorMapper = options.errorMapper;
		this.routingKeyIndex = options.routingKeyIndex;
		this.idempotent = options.idempotent;
		this.idleTimeoutNanos = idleTimeoutNanos;
		this.argumentNames = options.argumentNames;
	}

	private CallOptions(CallOptions options, String[] argumentNames) {
		this.method = options.method;
		this.kind = options.kind;
		this.argumentTypes = options.argumentTypes;
		this.resultType = options.resultType;
		this.timeoutNanos = options.timeoutNanos;
		this.timeoutMillis = options.timeoutMillis;
		this.errorMapper = options.errorMapper;
		this.routingKeyIndex = options.routingKeyIndex;
		this.idempotent = options.idempotent;
		this.idleTimeoutNanos = options.idleTimeoutNanos;
		this.argumentNames = argumentNames;
	}

	// A deadline further away than Metadata.MAX_TIMEOUT_MILLIS is cut to it: the nanos
	// of a few centuries overflow Duration.toNanos() and nanoTime() arithmetic.
	private static Duration clamp(Duration timeout) {
		return (timeout.compareTo(MAX_TIMEOUT) > 0) ? MAX_TIMEOUT : timeout;
	}

	private CallOptions(CallOptions options, int routingKeyIndex, boolean idempotent) {
		this.method = options.method;
		this.kind = options.kind;
		this.argumentTypes = options.argumentTypes;
		this.resultType = options.resultType;
		this.timeoutNanos = options.timeoutNanos;
		this.timeoutMillis = options.timeoutMillis;
		this.errorMapper = options.errorMapper;
		this.routingKeyIndex = routingKeyIndex;
		this.idempotent = idempotent;
		this.idleTimeoutNanos = options.idleTimeoutNanos;
		this.argumentNames = options.argumentNames;
	}

	/**
	 * Options of a call with one result.
	 * @param method the method key
	 * @param argumentTypes the declared argument types
	 * @param resultType the declared result type
	 * @param timeout the deadline relative to the start of each call, or {@code null} or
	 * zero for none
	 * @param errorMapper turns a remote error into the exception the caller gets, or
	 * {@code null} to keep the {@link RpcException}
	 * @return the options
	 */
	public static CallOptions unary(String method, ValueType[] argumentTypes, ValueType resultType, Duration timeout,
			Function<RpcException, Throwable> errorMapper) {
		return new CallOptions(method, Kind.UNARY, argumentTypes, resultType, timeout, errorMapper);
	}

	/**
	 * Options of a notification, a call without response or deadline.
	 * @param method the method key
	 * @param argumentTypes the declared argument types
	 * @param errorMapper turns a local failure into the exception the caller gets, or
	 * {@code null}
	 * @return the options
	 */
	public static CallOptions oneWay(String method, ValueType[] argumentTypes,
			Function<RpcException, Throwable> errorMapper) {
		return new CallOptions(method, Kind.ONE_WAY, argumentTypes, null, null, errorMapper);
	}

	/**
	 * Options of a server stream, or with an upload of a bidirectional channel.
	 * @param method the method key
	 * @param argumentTypes the declared argument types
	 * @param itemType the declared type of the items
	 * @param timeout the deadline relative to the start of each call, or {@code null} or
	 * zero for none
	 * @param errorMapper turns a remote error into the exception the caller gets, or
	 * {@code null}
	 * @return the options
	 */
	public static CallOptions stream(String method, ValueType[] argumentTypes, ValueType itemType, Duration timeout,
			Function<RpcException, Throwable> errorMapper) {
		return new CallOptions(method, Kind.STREAM, argumentTypes, itemType, timeout, errorMapper);
	}

	/**
	 * Return stream options like these with a limit on the silence between items: a
	 * stream whose server sends nothing for that long while the client has granted it
	 * credit fails with {@code DEADLINE_EXCEEDED}.
	 * @param idleTimeout the longest silence, or {@code null} or zero for no limit
	 * @return new options
	 */
	public CallOptions withIdleTimeout(@Nullable Duration idleTimeout) {
		return new CallOptions(this,
				(this.kind == Kind.STREAM && idleTimeout != null && !idleTimeout.isNegative() && !idleTimeout.isZero())
						? idleTimeout.toNanos() : 0);
	}

	/**
	 * Return the longest silence between the items of a stream.
	 * @return nanoseconds, zero for no limit
	 */
	public long idleTimeoutNanos() {
		return this.idleTimeoutNanos;
	}

	/**
	 * Return options like these whose call is routed by one of its arguments.
	 * @param index the position of the argument that is the routing key
	 * @return new options
	 * @see io.easyrpc.RoutingKey
	 */
	public CallOptions withRoutingKey(int index) {
		if (index < 0 || index >= this.argumentTypes.length) {
			throw new IllegalArgumentException("No argument at position " + index + " of " + this.method);
		}
		return new CallOptions(this, index, this.idempotent);
	}

	/**
	 * Return options like these for an idempotent method: each call carries an
	 * idempotency key, the same on every re-send, is re-attached after a lost connection
	 * and may be retried. Only a unary call may be idempotent.
	 * @return new options
	 * @throws IllegalStateException if the call is not unary
	 */
	public CallOptions withIdempotent() {
		if (this.kind != Kind.UNARY) {
			throw new IllegalStateException("Only a unary call can be idempotent, not " + this);
		}
		return new CallOptions(this, this.routingKeyIndex, true);
	}

	/**
	 * Return whether calls carry an idempotency key and may be re-attached and retried.
	 * @return {@code true} for an idempotent unary method
	 */
	public boolean idempotent() {
		return this.idempotent;
	}

	/**
	 * Return options like these whose arguments are sent as a map from parameter names to
	 * values instead of an array.
	 * @param argumentNames the parameter names, one per argument in order
	 * @return new options
	 * @throws IllegalArgumentException if the number of names differs from the number of
	 * argument types, or the call is forwarded
	 */
	public CallOptions withArgumentNames(String[] argumentNames) {
		if (argumentNames.length != this.argumentTypes.length) {
			throw new IllegalArgumentException(argumentNames.length + " argument names for " + this.argumentTypes.length
					+ " arguments of " + this.method);
		}
		if (this.kind == Kind.FORWARD || this.kind == Kind.FORWARD_ONE_WAY) {
			throw new IllegalArgumentException("A forwarded call sends its payload as it came: " + this.method);
		}
		return new CallOptions(this, argumentNames.clone());
	}

	/**
	 * Return the parameter names the arguments are sent under; the array is shared and
	 * must not be changed.
	 * @return the names, one per argument, or {@code null} when arguments are sent by
	 * position
	 */
	public String @Nullable [] argumentNames() {
		return this.argumentNames;
	}

	/**
	 * Return the position of the argument that routes the call.
	 * @return the position, {@code -1} for none
	 */
	public int routingKeyIndex() {
		return this.routingKeyIndex;
	}

	/**
	 * Options of one call that a gateway forwards as it is: its arguments are the encoded
	 * payload it received and its results are handed on as encoded payloads, see
	 * {@link ForwardedCall}. Built per forwarded call, since its deadline is what remains
	 * of the caller's.
	 * @param method the method key on the target
	 * @param timeout the time left to the caller's deadline, or {@code null} for none
	 * @param oneWay whether the call is a notification
	 * @return the options
	 */
	public static CallOptions forward(String method, @Nullable Duration timeout, boolean oneWay) {
		return new CallOptions(method, oneWay ? Kind.FORWARD_ONE_WAY : Kind.FORWARD, NO_TYPES, null, timeout, null);
	}

	/**
	 * Return the method key.
	 * @return the key
	 */
	public String method() {
		return this.method;
	}

	/**
	 * Return the kind of call.
	 * @return the kind
	 */
	public Kind kind() {
		return this.kind;
	}

	/**
	 * Return the declared argument types; the array is shared and must not be changed.
	 * @return the types
	 */
	public ValueType[] argumentTypes() {
		return this.argumentTypes;
	}

	/**
	 * Return the declared result type, for a stream the type of its items.
	 * @return the type, {@code null} for a notification
	 */
	public ValueType resultType() {
		return this.resultType;
	}

	/**
	 * Return the deadline relative to the start of a call.
	 * @return nanoseconds, zero for none
	 */
	public long timeoutNanos() {
		return this.timeoutNanos;
	}

	/**
	 * Return the deadline sent to the server.
	 * @return milliseconds, at least one when there is a deadline, zero for none
	 */
	public long timeoutMillis() {
		return this.timeoutMillis;
	}

	/**
	 * Return what turns a remote error into the exception the caller gets.
	 * @return the mapper, or {@code null}
	 */
	public Function<RpcException, Throwable> errorMapper() {
		return this.errorMapper;
	}

	@Override
	public String toString() {
		return this.kind + " " + this.method;
	}

	/**
	 * The kinds of call.
	 */
	public enum Kind {

		/** A request with one response. */
		UNARY,

		/** A notification: a request without response. */
		ONE_WAY,

		/** A request whose response is a stream of items. */
		STREAM,

		/**
		 * A request forwarded by a gateway: encoded arguments in, encoded results out,
		 * whatever the method's style ({@link ForwardedCall}).
		 */
		FORWARD,

		/** A notification forwarded by a gateway with its encoded arguments. */
		FORWARD_ONE_WAY

	}

}
