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
public class EasyRpcServerContext extends RequestReplyReceiverContext<Map<String, String>, RpcStatus> {

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

	/**
	 * Return the call.
	 * @return the call
	 */
	public CallInfo getCall() {
		return this.call;
	}

	/**
	 * Return the status of the call, once it finished.
	 * @return the status or {@code null}
	 */
	public RpcStatus getStatus() {
		return getResponse();
	}

	private boolean streamed;

	private long messagesSent;

	private long messagesReceived;

	/**
	 * Record the stream items of a streaming call.
	 * @param sent the items this side sent
	 * @param received the items this side received
	 */
	public void setMessages(long sent, long received) {
		this.streamed = true;
		this.messagesSent = sent;
		this.messagesReceived = received;
	}

	/**
	 * Return whether stream item counts were recorded: only for streaming calls, once
	 * they finished.
	 * @return {@code true} if {@link #getMessagesSent()} and
	 * {@link #getMessagesReceived()} are known
	 */
	public boolean hasMessages() {
		return this.streamed;
	}

	/**
	 * Return the stream items this side sent.
	 * @return the count, {@code 0} unless {@link #hasMessages()}
	 */
	public long getMessagesSent() {
		return this.messagesSent;
	}

	/**
	 * Return the stream items this side received.
	 * @return the count, {@code 0} unless {@link #hasMessages()}
	 */
	public long getMessagesReceived() {
		return this.messagesReceived;
	}

}
