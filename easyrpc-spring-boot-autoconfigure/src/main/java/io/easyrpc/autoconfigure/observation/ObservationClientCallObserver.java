package io.easyrpc.autoconfigure.observation;

import io.easyrpc.middleware.CallInfo;
import io.easyrpc.middleware.CallObservation;
import io.easyrpc.middleware.ClientCallObserver;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;

/**
 * Records an {@code easyrpc.client.requests} observation per call made, and lets a tracer
 * write the trace context (W3C {@code traceparent}) into the call's metadata.
 */
public class ObservationClientCallObserver implements ClientCallObserver {

	private static final EasyRpcClientObservationConvention DEFAULT = new DefaultEasyRpcClientObservationConvention();

	private final ObservationRegistry registry;

	private final EasyRpcClientObservationConvention convention;

	/**
	 * Create an observer.
	 * @param registry the observation registry
	 * @param convention a custom convention, or {@code null} for the default
	 */
	public ObservationClientCallObserver(ObservationRegistry registry, EasyRpcClientObservationConvention convention) {
		this.registry = registry;
		this.convention = convention;
	}

	@Override
	public CallObservation start(CallInfo call) {
		EasyRpcClientContext context = new EasyRpcClientContext(call);
		Observation observation = EasyRpcObservationDocumentation.CLIENT_REQUESTS.start(this.convention, DEFAULT,
				() -> context, this.registry);
		return new MicrometerCallObservation(observation, context);
	}

}
