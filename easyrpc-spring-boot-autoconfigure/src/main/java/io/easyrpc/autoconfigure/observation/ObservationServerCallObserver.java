package io.easyrpc.autoconfigure.observation;

import io.easyrpc.middleware.CallInfo;
import io.easyrpc.middleware.CallObservation;
import io.easyrpc.middleware.ServerCallObserver;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;

/**
 * Records an {@code easyrpc.server.requests} observation per call served, continuing the
 * caller's trace when a tracer is present.
 */
public class ObservationServerCallObserver implements ServerCallObserver {

	private static final EasyRpcServerObservationConvention DEFAULT = new DefaultEasyRpcServerObservationConvention();

	private final ObservationRegistry registry;

	private final EasyRpcServerObservationConvention convention;

	/**
	 * Create an observer.
	 * @param registry the observation registry
	 * @param convention a custom convention, or {@code null} for the default
	 */
	public ObservationServerCallObserver(ObservationRegistry registry, EasyRpcServerObservationConvention convention) {
		this.registry = registry;
		this.convention = convention;
	}

	@Override
	public CallObservation start(CallInfo call) {
		EasyRpcServerContext context = new EasyRpcServerContext(call);
		Observation observation = EasyRpcObservationDocumentation.SERVER_REQUESTS.start(this.convention, DEFAULT,
				() -> context, this.registry);
		return new MicrometerCallObservation(observation, context);
	}

}
