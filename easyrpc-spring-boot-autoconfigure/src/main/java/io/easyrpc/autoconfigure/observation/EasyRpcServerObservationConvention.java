package io.easyrpc.autoconfigure.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * Naming of the observations of calls served. Declare a bean of this type to replace
 * {@link DefaultEasyRpcServerObservationConvention}.
 */
public interface EasyRpcServerObservationConvention extends ObservationConvention<EasyRpcServerContext> {

	@Override
	default boolean supportsContext(Observation.Context context) {
		return context instanceof EasyRpcServerContext;
	}

}
