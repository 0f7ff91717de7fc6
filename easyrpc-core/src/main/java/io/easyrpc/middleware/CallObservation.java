package io.easyrpc.middleware;

import java.util.ArrayList;
import java.util.List;

import io.easyrpc.RpcStatus;
import org.jspecify.annotations.Nullable;

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
	 * Record how many stream items this side sent and received during the call. Called
	 * once, just before {@link #stop(RpcStatus, Throwable)}, and only for streaming calls
	 * (server streams, client streams and channels). The default does nothing.
	 * @param sent the items this side sent
	 * @param received the items this side received
	 */
	default void messages(long sent, long received) {
	}

	/**
	 * Record the instance a client call is sent to, for a target with several instances
	 * its address. Called before {@link #stop(RpcStatus, Throwable)}, once per instance
	 * the call is sent to: again if it moves to another one because the first did not
	 * take it. Not called on the server. The default does nothing.
	 * @param address the address of the instance
	 */
	default void instance(String address) {
	}

	/**
	 * Record the outcome. Called exactly once per observation.
	 * @param status the status of the call
	 * @param error the exception behind a failure, or {@code null}
	 */
	void stop(RpcStatus status, @Nullable Throwable error);

	/**
	 * Combine observations into one; {@code null} entries are skipped.
	 * @param observations the observations
	 * @return the combined observation, or {@code null} if none is left
	 */
	static @Nullable CallObservation of(List<@Nullable CallObservation> observations) {
		// On the call path: most observers of a call return null, so avoid copying.
		CallObservation single = null;
		int present = 0;
		for (CallObservation observation : observations) {
			if (observation != null) {
				single = observation;
				present++;
			}
		}
		if (present <= 1) {
			return single;
		}
		List<CallObservation> all = new ArrayList<>(present);
		for (CallObservation observation : observations) {
			if (observation != null) {
				all.add(observation);
			}
		}
		return new CompositeCallObservation(all);
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
