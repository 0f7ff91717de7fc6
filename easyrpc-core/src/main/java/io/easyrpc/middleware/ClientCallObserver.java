package io.easyrpc.middleware;

import org.jspecify.annotations.Nullable;

/**
 * Observes the calls a client makes, for metrics, tracing or logging. Called on the
 * caller's thread when the call starts; the observer may add headers to
 * {@link CallInfo#headers()}, which are sent with the request.
 */
@FunctionalInterface
public interface ClientCallObserver {

	/**
	 * Start observing a call.
	 * @param call the call
	 * @return the observation, or {@code null} to leave this call unobserved
	 */
	@Nullable CallObservation start(CallInfo call);

}
