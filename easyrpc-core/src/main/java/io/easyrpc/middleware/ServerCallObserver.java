package io.easyrpc.middleware;

import org.jspecify.annotations.Nullable;

/**
 * Observes the calls a server receives, for metrics, tracing or logging. Observers are
 * called on the I/O thread when a call arrives, so {@link #start(CallInfo)} must be cheap
 * and must not block.
 */
@FunctionalInterface
public interface ServerCallObserver {

	/**
	 * Start observing a call that just arrived, before its method is looked up.
	 * @param call the call
	 * @return the observation, or {@code null} to leave this call unobserved
	 */
	@Nullable CallObservation start(CallInfo call);

	/**
	 * Note that a call was refused before it ran, for example because a limit was
	 * reached. The call's observation is stopped as well.
	 * @param methodKey the method key
	 * @param reason a short reason, for example {@code executor-saturated}
	 */
	default void rejected(String methodKey, String reason) {
	}

	/**
	 * Note what the de-duplication by idempotency key did with a call: {@code hit} (a
	 * re-send took the kept outcome), {@code joined} (a re-send waits for the running
	 * call) or {@code stored} (a call's outcome was kept for re-sends). Any thread.
	 * @param methodKey the method key
	 * @param outcome {@code hit}, {@code joined} or {@code stored}
	 */
	default void deduplicated(String methodKey, String outcome) {
	}

	/**
	 * Note that a new connection was refused by a {@link ConnectionMiddleware}, or
	 * because one failed, before any of its calls was read. Called on the connection's
	 * I/O thread.
	 * @param connection the refused connection
	 * @param decision the rejection: the status and message the peer receives and the
	 * {@link ConnectionDecision#reason() reason}
	 */
	default void connectionRejected(ConnectionInfo connection, ConnectionDecision decision) {
	}

}
