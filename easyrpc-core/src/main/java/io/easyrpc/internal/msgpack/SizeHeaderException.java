package io.easyrpc.internal.msgpack;

import org.msgpack.core.MessageInsufficientBufferException;

/**
 * A size header that claims more bytes than the input has left: the input ends before the
 * value could. Its message names the header, the claim and what remains.
 */
public final class SizeHeaderException extends MessageInsufficientBufferException {

	private static final long serialVersionUID = 1L;

	private final long claimed;

	/**
	 * Create an exception.
	 * @param message the message
	 * @param claimed the size the header claims
	 */
	public SizeHeaderException(String message, long claimed) {
		super(message);
		this.claimed = claimed;
	}

	/**
	 * Return the size the header claims, in the header's unit.
	 * @return the claimed size
	 */
	public long claimed() {
		return this.claimed;
	}

}
