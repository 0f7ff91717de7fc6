package io.easyrpc.autoconfigure.observation;

import io.easyrpc.RpcStatus;
import io.easyrpc.middleware.CallInfo;

/**
 * What the observation contexts of both sides know about a call: the call, its status
 * once it finished and, for streaming calls, the items each side sent. Implemented by
 * {@link EasyRpcClientContext} and {@link EasyRpcServerContext}.
 */
public interface EasyRpcCallContext {

	/**
	 * Return the call.
	 * @return the call
	 */
	CallInfo getCall();

	/**
	 * Return the status of the call, once it finished.
	 * @return the status or {@code null}
	 */
	RpcStatus getStatus();

	/**
	 * Record the stream items of a streaming call.
	 * @param sent the items this side sent
	 * @param received the items this side received
	 */
	void setMessages(long sent, long received);

	/**
	 * Return whether stream item counts were recorded: only for streaming calls, once
	 * they finished.
	 * @return {@code true} if {@link #getMessagesSent()} and
	 * {@link #getMessagesReceived()} are known
	 */
	boolean hasMessages();

	/**
	 * Return the stream items this side sent.
	 * @return the count, {@code 0} unless {@link #hasMessages()}
	 */
	long getMessagesSent();

	/**
	 * Return the stream items this side received.
	 * @return the count, {@code 0} unless {@link #hasMessages()}
	 */
	long getMessagesReceived();

}
