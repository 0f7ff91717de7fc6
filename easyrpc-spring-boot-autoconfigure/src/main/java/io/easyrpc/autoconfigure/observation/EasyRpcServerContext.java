package io.easyrpc.autoconfigure.observation;

import java.util.Map;

import io.easyrpc.RpcStatus;
import io.easyrpc.middleware.CallInfo;
import io.micrometer.observation.transport.RequestReplyReceiverContext;

/**
 * Observation context of a call served: the call and, once known, its status. The
 * request's metadata headers are the carrier a tracer reads the caller's trace context
 * from.
 */
public class EasyRpcServerContext extends RequestReplyReceiverContext<Map<String, String>, RpcStatus>
		implements EasyRpcCallContext {

	private final CallInfo call;

	/**
	 * Create a context.
	 * @param call the call
	 */
	public EasyRpcServerContext(CallInfo call) {
		super((carrier, key) -> carrier.get(key));
		this.call = call;
		setCarrier(call.headers());
		setRemoteServiceAddress(remoteAddress(call.peer()));
	}

	// The peer is a socket address such as /127.0.0.1:50412; tracers parse the remote
	// service address as a URI to find the peer's host and port.
	private static String remoteAddress(String peer) {
		return (peer != null && peer.startsWith("/")) ? "tcp:/" + peer : peer;
	}

	@Override
	public CallInfo getCall() {
		return this.call;
	}

}
