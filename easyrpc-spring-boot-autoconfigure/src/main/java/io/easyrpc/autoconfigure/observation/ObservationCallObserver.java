package io.easyrpc.autoconfigure.observation;

import java.util.function.Function;

import io.easyrpc.middleware.CallInfo;
import io.easyrpc.middleware.CallObservation;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;

/**
 * What the observers of both sides do: start the side's documented observation of a call
 * with the side's context and convention (a custom one, else the default).
 *
 * @param <C> the context type of the side
 */
abstract class ObservationCallObserver<C extends Observation.Context & EasyRpcCallContext> {

	private final EasyRpcObservationDocumentation documentation;

	private final Function<CallInfo, C> contexts;

	private final ObservationRegistry registry;

	private final @Nullable ObservationConvention<C> convention;

	private final ObservationConvention<C> defaultConvention;

	ObservationCallObserver(EasyRpcObservationDocumentation documentation, Function<CallInfo, C> contexts,
			ObservationRegistry registry, @Nullable ObservationConvention<C> convention,
			ObservationConvention<C> defaultConvention) {
		this.documentation = documentation;
		this.contexts = contexts;
		this.registry = registry;
		this.convention = convention;
		this.defaultConvention = defaultConvention;
	}

	/**
	 * Start observing a call.
	 * @param call the call
	 * @return the observation of the call
	 */
	public CallObservation start(CallInfo call) {
		C context = this.contexts.apply(call);
		Observation observation = this.documentation.start(this.convention, this.defaultConvention, () -> context,
				this.registry);
		return new MicrometerCallObservation(observation, context);
	}

}
