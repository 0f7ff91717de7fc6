package io.easyrpc.autoconfigure.observation;

import io.easyrpc.RpcStatus;
import io.easyrpc.middleware.CallObservation;
import io.micrometer.observation.Observation;

/**
 * A {@link CallObservation} backed by a Micrometer {@link Observation}; the status is the
 * context's response.
 */
final class MicrometerCallObservation implements CallObservation {

	private final Observation observation;

	private final EasyRpcCallContext context;

	MicrometerCallObservation(Observation observation, EasyRpcCallContext context) {
		this.observation = observation;
		this.context = context;
	}

	@Override
	public Scope openScope() {
		Observation.Scope scope = this.observation.openScope();
		return scope::close;
	}

	@Override
	public void instance(String address) {
		this.observation.highCardinalityKeyValue(
				EasyRpcObservationDocumentation.HighCardinalityKeyNames.INSTANCE.withValue(address));
	}

	@Override
	public void messages(long sent, long received) {
		this.context.setMessages(sent, received);
	}

	@Override
	public void stop(RpcStatus status, Throwable error) {
		this.context.setResponse(status);
		if (error != null && status != RpcStatus.OK) {
			this.observation.error(error);
		}
		this.observation.stop();
	}

}
