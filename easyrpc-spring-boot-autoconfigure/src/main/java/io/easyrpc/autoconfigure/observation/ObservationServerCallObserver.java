package io.easyrpc.autoconfigure.observation;

import io.easyrpc.middleware.ServerCallObserver;
import io.micrometer.observation.ObservationRegistry;

/**
 * Records an {@code easyrpc.server.requests} observation per call served, continuing the
 * caller's trace when a tracer is present.
 */
public class ObservationServerCallObserver extends ObservationCallObserver<EasyRpcServerContext>
		implements ServerCallObserver {

	private static final EasyRpcServerObservationConvention DEFAULT = new DefaultEasyRpcServerObservationConvention();

	/**
	 * Create an observer.
	 * @param registry the observation registry
	 * @param convention a custom convention, or {@code null} for the default
	 */
	public ObservationServerCallObserver(ObservationRegistry registry, EasyRpcServerObservationConvention convention) {
		super(EasyRpcObservationDocumentation.SERVER_REQUESTS, EasyRpcServerContext::new, registry, convention,
				DEFAULT);
	}

}
