package io.easyrpc.codec;

/**
 * Thrown when a value cannot be encoded to or decoded from MessagePack: malformed or
 * truncated input, a MessagePack value that does not fit the expected Java type, or a
 * Java value Jackson cannot serialize. The message names the Java type and what was
 * found; the cause is the underlying Jackson or msgpack-core exception.
 */
public class CodecException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	/**
	 * Create an exception.
	 * @param message the detail message
	 */
	public CodecException(String message) {
		super(message);
	}

	/**
	 * Create an exception with a cause.
	 * @param message the detail message
	 * @param cause the cause
	 */
	public CodecException(String message, Throwable cause) {
		super(message, cause);
	}

}
