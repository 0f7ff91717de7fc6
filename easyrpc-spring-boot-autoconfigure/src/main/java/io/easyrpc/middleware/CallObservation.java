package io.easyrpc.middleware;

import java.util.List;

import io.easyrpc.RpcStatus;

/**
 * The observation of one call, from its start to its outcome.
 */
public interface CallObservation {

	/**
	 * Make this observation current on the calling thread, for example so that spans
	 * created by the service method become its children. Called around the method
	 * invocation on the server.
	 * @return the scope, to be closed on the same thread
	 */
	Scope openScope();

	/**
	 * Record the outcome. Called exactly once per observation.
	 * @param status the status of the call
	 * @param error the exception behind a failure, or {@code null}
	 */
	void stop(RpcStatus status, Throwable error);

	/**
	 * Combine observations into one; {@code null} entries are skipped.
	 * @param observations the observations
	 * @return the combined observation, or {@code null} if none is left
	 */
	static CallObservation of(List<CallObservation> observations) {
		List<CallObservation> present = observations.stream().filter((o) -> o != null).toList();
		if (present.isEmpty()) {
			return null;
		}
		return (present.size() == 1) ? present.get(0) : new CompositeCallObservation(present);
	}

	/**
	 * A scope opened by {@link CallObservation#openScope()}.
	 */
	@FunctionalInterface
	interface Scope extends AutoCloseable {

		/** A scope that does nothing. */
		Scope NONE = () -> {
		};

		/**
		 * Close the scope.
		 */
		@Override
		void close();

	}

}
