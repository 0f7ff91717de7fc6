package io.easyrpc.internal.mprpc;

import io.easyrpc.RpcStatus;
import io.easyrpc.internal.protocol.ProtocolException;
import org.jspecify.annotations.Nullable;

/**
 * A message that is not a well-formed MessagePack-RPC message. When the message id could
 * be read ({@link #msgid()} is not negative), the peer can be answered with an error
 * response for it; otherwise the connection ends.
 */
public final class MsgpackRpcException extends ProtocolException {

	private static final long serialVersionUID = 1L;

	private final long msgid;

	/**
	 * Create an exception.
	 * @param status the status reported to the peer
	 * @param message the message
	 * @param msgid the message id of the malformed request, or {@code -1} if unknown
	 * @param cause the cause, or {@code null}
	 */
	public MsgpackRpcException(RpcStatus status, String message, long msgid, @Nullable Throwable cause) {
		super(status, message, cause);
		this.msgid = msgid;
	}

	/**
	 * Return the message id of the malformed request, if it could be read.
	 * @return the message id, or {@code -1} if unknown
	 */
	public long msgid() {
		return this.msgid;
	}

}
