package io.easyrpc.autoconfigure.observation;

import io.micrometer.common.KeyValues;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * The naming both default conventions share: the method key as contextual name and the
 * {@link EasyRpcObservationDocumentation} key values; each side gives only its name.
 *
 * @param <C> the context type of the side
 */
abstract class CallObservationConvention<C extends Observation.Context & EasyRpcCallContext>
		implements ObservationConvention<C> {

	private final CallKeyValues keyValues = new CallKeyValues();

	@Override
	public String getContextualName(C context) {
		return context.getCall().methodKey();
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(C context) {
		return this.keyValues.lowCardinality(context.getCall(), context.getStatus());
	}

	@Override
	public KeyValues getHighCardinalityKeyValues(C context) {
		return this.keyValues.highCardinality(context.getCall(), context.hasMessages(), context.getMessagesSent(),
				context.getMessagesReceived());
	}

}
