package io.easyrpc.autoconfigure.observation;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.easyrpc.RpcStatus;
import io.easyrpc.autoconfigure.observation.EasyRpcObservationDocumentation.HighCardinalityKeyNames;
import io.easyrpc.autoconfigure.observation.EasyRpcObservationDocumentation.LowCardinalityKeyNames;
import io.easyrpc.middleware.CallInfo;
import io.micrometer.common.KeyValues;

/**
 * The key values both default conventions attach to a call. The low-cardinality ones are
 * asked for twice per call (at start and stop) and depend only on the method key, the
 * transport, the call type and the status, so they are kept per transport and method key;
 * the number of keys kept is bounded, since a client may call any key.
 */
final class CallKeyValues {

	private static final int MAX_METHOD_KEYS = 1024;

	private static final int MAX_TRANSPORTS = 8;

	private static final RpcStatus[] STATUSES = RpcStatus.values();

	// Per transport, then per method key: one slot per call type and status (plus "not
	// known yet").
	private final Map<String, Map<String, KeyValues[]>> cache = new ConcurrentHashMap<>();

	// The same for calls of MessagePack-RPC peers, told apart by their rpc.system.
	private final Map<String, Map<String, KeyValues[]>> msgpackRpcCache = new ConcurrentHashMap<>();

	KeyValues lowCardinality(CallInfo call, RpcStatus status) {
		Map<String, Map<String, KeyValues[]>> cache = CallInfo.EASYRPC.equals(call.protocol()) ? this.cache
				: CallInfo.MSGPACK_RPC.equals(call.protocol()) ? this.msgpackRpcCache : null;
		if (cache == null) {
			return create(call, status);
		}
		Map<String, KeyValues[]> keys = cache.get(call.transport());
		if (keys == null) {
			if (cache.size() >= MAX_TRANSPORTS) {
				return create(call, status);
			}
			keys = cache.computeIfAbsent(call.transport(), (transport) -> new ConcurrentHashMap<>());
		}
		KeyValues[] slots = keys.get(call.methodKey());
		if (slots == null) {
			if (keys.size() >= MAX_METHOD_KEYS) {
				return create(call, status);
			}
			slots = keys.computeIfAbsent(call.methodKey(), (key) -> new KeyValues[5 * (STATUSES.length + 1)]);
		}
		int type = call.oneWay() ? 1
				: (call.clientStream() ? (call.serverStream() ? 4 : 3) : (call.serverStream() ? 2 : 0));
		int slot = type * (STATUSES.length + 1) + ((status != null) ? status.ordinal() + 1 : 0);
		KeyValues values = slots[slot];
		if (values == null) {
			// A race only computes the same immutable value twice.
			values = create(call, status);
			slots[slot] = values;
		}
		return values;
	}

	private static KeyValues create(CallInfo call, RpcStatus status) {
		return KeyValues.of(LowCardinalityKeyNames.SYSTEM.withValue(call.protocol()),
				LowCardinalityKeyNames.SERVICE.withValue(call.service()),
				LowCardinalityKeyNames.METHOD.withValue(call.method()),
				LowCardinalityKeyNames.TYPE.withValue(call.type()),
				LowCardinalityKeyNames.STATUS.withValue((status != null) ? status.name() : "UNKNOWN"),
				LowCardinalityKeyNames.TRANSPORT.withValue(call.transport()));
	}

	KeyValues highCardinality(CallInfo call) {
		return KeyValues.of(HighCardinalityKeyNames.PEER_ADDRESS.withValue(call.peer()));
	}

	KeyValues highCardinality(CallInfo call, boolean streamed, long sent, long received) {
		KeyValues values = highCardinality(call);
		if (!streamed) {
			return values;
		}
		return values.and(HighCardinalityKeyNames.MESSAGES_SENT.withValue(Long.toString(sent)),
				HighCardinalityKeyNames.MESSAGES_RECEIVED.withValue(Long.toString(received)));
	}

}
