package io.easyrpc.middleware;

import java.util.Objects;

import io.easyrpc.RpcStatus;
import org.jspecify.annotations.Nullable;

/**
 * The outcome of {@link ConnectionMiddleware#onConnect(ConnectionInfo)}.
 */
public final class ConnectionDecision {

	private static final ConnectionDecision ACCEPT = new ConnectionDecision(null, null, null);

	private final @Nullable RpcStatus status;

	private final @Nullable String message;

	private final @Nullable String reason;

	private ConnectionDecision(@Nullable RpcStatus status, @Nullable String message, @Nullable String reason) {
		this.status = status;
		this.message = message;
		this.reason = reason;
	}

	/**
	 * Keep the connection.
	 * @return the decision
	 */
	public static ConnectionDecision accept() {
		return ACCEPT;
	}

	/**
	 * Refuse the connection.
	 * @param status the status the peer receives, for example
	 * {@link RpcStatus#RESOURCE_EXHAUSTED} or {@link RpcStatus#PERMISSION_DENIED}
	 * @param message the message the peer receives and the server logs
	 * @param reason a short lower-case tag for the {@code easyrpc.server.rejected}
	 * counter, for example {@code connection-limit}
	 * @return the decision
	 */
	public static ConnectionDecision reject(RpcStatus status, String message, String reason) {
		if (status == RpcStatus.OK) {
			throw new IllegalArgumentException("A rejection needs a status other than OK");
		}
		return new ConnectionDecision(Objects.requireNonNull(status), Objects.requireNonNull(message),
				Objects.requireNonNull(reason));
	}

	/**
	 * Return whether the connection is kept.
	 * @return {@code true} if accepted
	 */
	public boolean isAccepted() {
		return this.status == null;
	}

	/**
	 * Return the status of a rejection.
	 * @return the status, {@code null} if accepted
	 */
	public @Nullable RpcStatus status() {
		return this.status;
	}

	/**
	 * Return the message of a rejection.
	 * @return the message, {@code null} if accepted
	 */
	public @Nullable String message() {
		return this.message;
	}

	/**
	 * Return the metric tag of a rejection.
	 * @return the reason, {@code null} if accepted
	 */
	public @Nullable String reason() {
		return this.reason;
	}

	@Override
	public String toString() {
		return isAccepted() ? "accept" : "reject " + this.status + " (" + this.reason + "): " + this.message;
	}

}
