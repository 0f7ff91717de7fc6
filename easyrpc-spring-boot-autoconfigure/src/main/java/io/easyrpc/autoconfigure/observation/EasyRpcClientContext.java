package io.easyrpc.autoconfigure.observation;

import java.util.Map;

import io.easyrpc.RpcStatus;
import io.easyrpc.middleware.CallInfo;
import io.micrometer.observation.transport.RequestReplySenderContext;

/**
 * Observation context of a call made by a client: the call and, once known, its status.
 * The request's metadata headers are the carrier a tracer writes the trace context to.
 */
public class EasyRpcClientContext extends RequestReplySenderContext<Map<String, String>, RpcStatus>
		implements EasyRpcCallContext {

	private final CallInfo call;

	/**
	 * Create a context.
	 * @param call the call; its headers must be writable
	 */
	public EasyRpcClientContext(CallInfo call) {
		super((carrier, key, value) -> {
			if (carrier != null) {
				carrier.put(key, value);
			}
		});
		this.call = call;
		setCarrier(call.headers());
		setRemoteServiceAddress(call.peer());
	}

	@Override
	public CallInfo getCall() {
		return this.call;
	}

}
