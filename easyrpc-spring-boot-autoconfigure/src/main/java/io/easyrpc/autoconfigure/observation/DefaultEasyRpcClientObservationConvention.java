package io.easyrpc.autoconfigure.observation;

import io.micrometer.common.KeyValues;

/**
 * Default naming of client observations: {@code easyrpc.client.requests}, with the method
 * key as contextual name.
 */
public class DefaultEasyRpcClientObservationConvention implements EasyRpcClientObservationConvention {

	/** The observation name. */
	public static final String NAME = "easyrpc.client.requests";

	private final CallKeyValues keyValues = new CallKeyValues();

	@Override
	public String getName() {
		return NAME;
	}

	@Override
	public String getContextualName(EasyRpcClientContext context) {
		return context.getCall().methodKey();
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(EasyRpcClientContext context) {
		return this.keyValues.lowCardinality(context.getCall(), context.getStatus());
	}

	@Override
	public KeyValues getHighCardinalityKeyValues(EasyRpcClientContext context) {
		return this.keyValues.highCardinality(context.getCall(), context.hasMessages(), context.getMessagesSent(),
				context.getMessagesReceived());
	}

}
