package io.easyrpc.autoconfigure.observation;

import io.easyrpc.RpcStatus;
import io.easyrpc.middleware.CallInfo;
import io.micrometer.observation.Observation;
import io.micrometer.observation.transport.ResponseContext;

/**
 * What the observation contexts of both sides know about a call: the call, its status
 * once it finished and, for streaming calls, the items each side sent. Implemented by
 * {@link EasyRpcClientContext} and {@link EasyRpcServerContext}, which extend different
 * Micrometer contexts: the status is their response and the item counts are kept in their
 * key-value store, so that only the call is held by each.
 */
public interface EasyRpcCallContext extends ResponseContext<RpcStatus> {

	/**
	 * Return the call.
	 * @return the call
	 */
	CallInfo getCall();

	/**
	 * Return the status of the call, once it finished.
	 * @return the status or {@code null}
	 */
	default RpcStatus getStatus() {
		return getResponse();
	}

	/**
	 * Record the stream items of a streaming call.
	 * @param sent the items this side sent
	 * @param received the items this side received
	 */
	default void setMessages(long sent, long received) {
		observationContext().put(StreamMessages.class, new StreamMessages(sent, received));
	}

	/**
	 * Return whether stream item counts were recorded: only for streaming calls, once
	 * they finished.
	 * @return {@code true} if {@link #getMessagesSent()} and
	 * {@link #getMessagesReceived()} are known
	 */
	default boolean hasMessages() {
		return observationContext().containsKey(StreamMessages.class);
	}

	/**
	 * Return the stream items this side sent.
	 * @return the count, {@code 0} unless {@link #hasMessages()}
	 */
	default long getMessagesSent() {
		StreamMessages messages = observationContext().get(StreamMessages.class);
		return (messages != null) ? messages.sent() : 0;
	}

	/**
	 * Return the stream items this side received.
	 * @return the count, {@code 0} unless {@link #hasMessages()}
	 */
	default long getMessagesReceived() {
		StreamMessages messages = observationContext().get(StreamMessages.class);
		return (messages != null) ? messages.received() : 0;
	}

	private Observation.Context observationContext() {
		return (Observation.Context) this;
	}

}
