package io.easyrpc.autoconfigure.observation;

import io.easyrpc.middleware.ClientCallObserver;
import io.micrometer.observation.ObservationRegistry;

/**
 * Records an {@code easyrpc.client.requests} observation per call made, and lets a tracer
 * write the trace context (W3C {@code traceparent}) into the call's metadata.
 */
public class ObservationClientCallObserver extends ObservationCallObserver<EasyRpcClientContext>
		implements ClientCallObserver {

	private static final EasyRpcClientObservationConvention DEFAULT = new DefaultEasyRpcClientObservationConvention();

	/**
	 * Create an observer.
	 * @param registry the observation registry
	 * @param convention a custom convention, or {@code null} for the default
	 */
	public ObservationClientCallObserver(ObservationRegistry registry, EasyRpcClientObservationConvention convention) {
		super(EasyRpcObservationDocumentation.CLIENT_REQUESTS, EasyRpcClientContext::new, registry, convention,
				DEFAULT);
	}

}
