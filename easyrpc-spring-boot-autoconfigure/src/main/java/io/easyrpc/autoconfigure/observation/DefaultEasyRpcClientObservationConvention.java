package io.easyrpc.autoconfigure.observation;

/**
 * Default naming of client observations: {@code easyrpc.client.requests}, with the method
 * key as contextual name.
 */
public class DefaultEasyRpcClientObservationConvention extends CallObservationConvention<EasyRpcClientContext>
		implements EasyRpcClientObservationConvention {

	/** The observation name. */
	public static final String NAME = "easyrpc.client.requests";

	@Override
	public String getName() {
		return NAME;
	}

}
