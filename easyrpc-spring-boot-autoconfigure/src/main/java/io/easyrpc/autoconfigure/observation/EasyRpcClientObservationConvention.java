package io.easyrpc.autoconfigure.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * Naming of the observations of calls made by clients. Declare a bean of this type to
 * replace {@link DefaultEasyRpcClientObservationConvention}.
 */
public interface EasyRpcClientObservationConvention extends ObservationConvention<EasyRpcClientContext> {

	@Override
	default boolean supportsContext(Observation.Context context) {
		return context instanceof EasyRpcClientContext;
	}

}
