package io.easyrpc;

import org.jspecify.annotations.Nullable;

/**
 * A failed remote call. Carries the {@link RpcStatus}, the message and, when the failure
 * came from an exception on the server, that exception's class name. The client throws
 * this exception whenever it may not, or cannot, re-create the server's exception type.
 */
public class RpcException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final RpcStatus status;

	private final @Nullable String description;

	private final @Nullable String remoteClassName;

	private final @Nullable String remoteStackTrace;

	/**
	 * Create an exception with a status and a message.
	 * @param status the status
	 * @param message the message
	 */
	public RpcException(@Nullable RpcStatus status, @Nullable String message) {
		this(status, message, null, null, null);
	}

	/**
	 * Create an exception with a status, a message and a local cause.
	 * @param status the status
	 * @param message the message
	 * @param cause the cause, may be {@code null}
	 */
	public RpcException(@Nullable RpcStatus status, @Nullable String message, @Nullable Throwable cause) {
		this(status, message, null, null, cause);
	}

	/**
	 * Create an exception that describes a failure reported by the remote side.
	 * @param status the status
	 * @param message the remote message
	 * @param remoteClassName the class name of the remote exception, may be {@code null}
	 * @param remoteStackTrace the remote stack trace as text, may be {@code null};
	 * without a local cause it becomes the cause, rebuilt with the remote frames, so that
	 * it shows in this exception's stack trace
	 * @param cause the local cause, may be {@code null}
	 */
	public RpcException(@Nullable RpcStatus status, @Nullable String message, @Nullable String remoteClassName,
			@Nullable String remoteStackTrace, @Nullable Throwable cause) {
		super(describe(status, message, remoteClassName),
				(cause != null) ? cause : RemoteStackTrace.parse(remoteStackTrace));
		this.status = (status != null) ? status : RpcStatus.INTERNAL;
		this.description = message;
		this.remoteClassName = remoteClassName;
		this.remoteStackTrace = remoteStackTrace;
	}

	private static String describe(@Nullable RpcStatus status, @Nullable String message,
			@Nullable String remoteClassName) {
		StringBuilder text = new StringBuilder().append(status);
		if (remoteClassName != null) {
			text.append(" (").append(remoteClassName).append(')');
		}
		if (message != null && !message.isEmpty()) {
			text.append(": ").append(message);
		}
		return text.toString();
	}

	/**
	 * Return the status of the failed call.
	 * @return the status, never {@code null}
	 */
	public RpcStatus getStatus() {
		return this.status;
	}

	/**
	 * Return the message as given, without the status and class name that
	 * {@link #getMessage()} adds.
	 * @return the plain message, may be {@code null}
	 */
	public @Nullable String getDescription() {
		return this.description;
	}

	/**
	 * Return the class name of the exception thrown on the remote side, if any.
	 * @return the remote class name or {@code null}
	 */
	public @Nullable String getRemoteClassName() {
		return this.remoteClassName;
	}

	/**
	 * Return the remote stack trace, present only when the server exposes stack traces.
	 * @return the remote stack trace or {@code null}
	 */
	public @Nullable String getRemoteStackTrace() {
		return this.remoteStackTrace;
	}

	/**
	 * Return the delay the server suggests before a retry, given when it refused the call
	 * without starting it because it is overloaded (status
	 * {@link RpcStatus#RESOURCE_EXHAUSTED}, remote class name
	 * {@code easyrpc:overloaded;retry-after-ms=N}).
	 * @return the delay in milliseconds, or {@code -1} if the server gave none
	 */
	public long getRetryAfterMillis() {
		String name = this.remoteClassName;
		String marker = "easyrpc:overloaded;retry-after-ms=";
		if (name == null || !name.startsWith(marker)) {
			return -1;
		}
		try {
			return Long.parseLong(name.substring(marker.length()));
		}
		catch (NumberFormatException ex) {
			return -1;
		}
	}

}
