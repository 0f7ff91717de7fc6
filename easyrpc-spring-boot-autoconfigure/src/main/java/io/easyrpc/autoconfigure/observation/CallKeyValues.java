package io.easyrpc.autoconfigure.observation;

import io.easyrpc.RpcStatus;
import io.easyrpc.autoconfigure.observation.EasyRpcObservationDocumentation.HighCardinalityKeyNames;
import io.easyrpc.autoconfigure.observation.EasyRpcObservationDocumentation.LowCardinalityKeyNames;
import io.easyrpc.middleware.CallInfo;
import io.micrometer.common.KeyValues;

/**
 * The key values both default conventions attach to a call.
 */
final class CallKeyValues {

	private CallKeyValues() {
	}

	static KeyValues lowCardinality(CallInfo call, RpcStatus status) {
		return KeyValues.of(LowCardinalityKeyNames.SYSTEM.withValue("easyrpc"),
				LowCardinalityKeyNames.SERVICE.withValue(call.service()),
				LowCardinalityKeyNames.METHOD.withValue(call.method()),
				LowCardinalityKeyNames.TYPE.withValue(call.type()),
				LowCardinalityKeyNames.STATUS.withValue((status != null) ? status.name() : "UNKNOWN"));
	}

	static KeyValues highCardinality(CallInfo call) {
		return KeyValues.of(HighCardinalityKeyNames.PEER_ADDRESS.withValue(call.peer()));
	}

}
