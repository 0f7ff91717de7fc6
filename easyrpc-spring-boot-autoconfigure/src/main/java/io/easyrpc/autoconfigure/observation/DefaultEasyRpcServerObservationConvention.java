package io.easyrpc.autoconfigure.observation;

/**
 * Default naming of server observations: {@code easyrpc.server.requests}, with the method
 * key as contextual name.
 */
public class DefaultEasyRpcServerObservationConvention extends CallObservationConvention<EasyRpcServerContext>
		implements EasyRpcServerObservationConvention {

	/** The observation name. */
	public static final String NAME = "easyrpc.server.requests";

	@Override
	public String getName() {
		return NAME;
	}

}
