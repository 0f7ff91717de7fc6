package io.easyrpc.middleware;

/**
 * What an {@link RpcProcessor} learns about the message whose payload it transforms.
 *
 * @param kind the kind of message
 * @param methodKey the method key of the call it belongs to
 * @param peer the other side's address, as text
 */
public record MessageInfo(Kind kind, String methodKey, String peer) {

	/**
	 * The kinds of message that carry a payload.
	 */
	public enum Kind {

		/** The arguments of a call with a response. */
		REQUEST,

		/** The arguments of a one-way call. */
		NOTIFICATION,

		/** The result of a call. */
		RESPONSE

	}

}
