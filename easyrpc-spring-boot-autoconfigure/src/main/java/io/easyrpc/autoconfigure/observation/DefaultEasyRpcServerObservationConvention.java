package io.easyrpc.autoconfigure.observation;

import io.micrometer.common.KeyValues;

/**
 * Default naming of server observations: {@code easyrpc.server.requests}, with the method
 * key as contextual name.
 */
public class DefaultEasyRpcServerObservationConvention implements EasyRpcServerObservationConvention {

	/** The observation name. */
	public static final String NAME = "easyrpc.server.requests";

	private final CallKeyValues keyValues = new CallKeyValues();

	@Override
	public String getName() {
		return NAME;
	}

	@Override
	public String getContextualName(EasyRpcServerContext context) {
		return context.getCall().methodKey();
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(EasyRpcServerContext context) {
		return this.keyValues.lowCardinality(context.getCall(), context.getStatus());
	}

	@Override
	public KeyValues getHighCardinalityKeyValues(EasyRpcServerContext context) {
		return this.keyValues.highCardinality(context.getCall(), context.hasMessages(), context.getMessagesSent(),
				context.getMessagesReceived());
	}

}
