package io.easyrpc.internal.protocol;

import io.easyrpc.RpcStatus;

/**
 * A violation of the wire protocol: a malformed or truncated frame, a bad preface, an
 * oversized frame. The connection on which it happens is closed.
 */
public class ProtocolException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final RpcStatus status;

	/**
	 * Create an exception.
	 * @param status the status reported to the peer
	 * @param message the message
	 */
	public ProtocolException(RpcStatus status, String message) {
		super(message);
		this.status = status;
	}

	/**
	 * Create an exception with a cause.
	 * @param status the status reported to the peer
	 * @param message the message
	 * @param cause the cause
	 */
	public ProtocolException(RpcStatus status, String message, Throwable cause) {
		super(message, cause);
		this.status = status;
	}

	/**
	 * Return the status reported to the peer.
	 * @return the status
	 */
	public RpcStatus getStatus() {
		return this.status;
	}

}
