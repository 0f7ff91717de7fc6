package io.easyrpc.internal.mprpc;

import io.netty.buffer.ByteBuf;

/**
 * A decoded MessagePack-RPC message. The raw values it carries (params, error, result)
 * are slices of the received buffer: they stay readable only until that buffer is
 * released, so a handler decodes them before returning or retains them.
 */
public sealed interface MsgpackRpcMessage {

	/** The type of a request: {@code [0, msgid, method, params]}. */
	int REQUEST = 0;

	/** The type of a response: {@code [1, msgid, error, result]}. */
	int RESPONSE = 1;

	/** The type of a notification: {@code [2, method, params]}. */
	int NOTIFICATION = 2;

	/** The largest message id: the spec makes it an unsigned 32-bit integer. */
	long MAX_MSGID = 0xffff_ffffL;

	/**
	 * A call that expects a response.
	 *
	 * @param msgid the message id, 0 to {@link #MAX_MSGID}
	 * @param method the method name
	 * @param params the raw MessagePack value of the params: an array as the spec says,
	 * or a map if the peer sent named params that way
	 */
	record Request(long msgid, String method, ByteBuf params) implements MsgpackRpcMessage {

	}

	/**
	 * The answer to a request.
	 *
	 * @param msgid the message id of the request
	 * @param error the raw MessagePack value of the error, nil on success
	 * @param result the raw MessagePack value of the result, nil on failure
	 */
	record Response(long msgid, ByteBuf error, ByteBuf result) implements MsgpackRpcMessage {

		/**
		 * Return whether the error is nil, so the call succeeded.
		 * @return {@code true} if the error is nil
		 */
		public boolean isSuccess() {
			return MsgpackRpcCodec.isNil(this.error);
		}

	}

	/**
	 * A one-way call.
	 *
	 * @param method the method name
	 * @param params the raw MessagePack value of the params: an array as the spec says,
	 * or a map if the peer sent named params that way
	 */
	record Notification(String method, ByteBuf params) implements MsgpackRpcMessage {

	}

}
