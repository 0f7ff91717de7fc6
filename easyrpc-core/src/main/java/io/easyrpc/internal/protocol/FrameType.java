package io.easyrpc.internal.protocol;

/**
 * The frame types of the easyrpc protocol, with the numbers that identify them on the
 * wire. See {@code docs/protocol.md} for the layout of each frame.
 */
public enum FrameType {

	/** A call that expects a response: {@code [1, callId, method, metadata, payload]}. */
	REQUEST(1),

	/** The result of a call: {@code [2, callId, payload]}. */
	RESPONSE(2),

	/**
	 * The failure of a call:
	 * {@code [3, callId, status, message, errorClass, stackTrace]}.
	 */
	ERROR(3),

	/** A one-way call without a response: {@code [4, method, metadata, payload]}. */
	NOTIFICATION(4),

	/** The caller no longer wants the result: {@code [5, callId]}. */
	CANCEL(5),

	/** A liveness probe: {@code [6, data]}. */
	PING(6),

	/** The answer to a {@link #PING}, echoing its data: {@code [7, data]}. */
	PONG(7),

	/**
	 * The sender is closing the connection or refusing new calls on it:
	 * {@code [8, status, message]}.
	 */
	GOAWAY(8),

	/** One item of a server stream: {@code [9, callId, payload]}. */
	NEXT(9),

	/** The successful end of a server stream: {@code [10, callId]}. */
	COMPLETE(10),

	/**
	 * Credit from the receiver of a stream for {@code n} more items:
	 * {@code [11, callId, n]}.
	 */
	REQUEST_N(11),

	/**
	 * The server's demand for proof of the shared secret, sent right after its preface:
	 * {@code [12, serverNonce]}.
	 */
	AUTH_CHALLENGE(12),

	/**
	 * The client's answer to an {@link #AUTH_CHALLENGE}:
	 * {@code [13, clientNonce, clientProof]}.
	 */
	AUTH_RESPONSE(13),

	/**
	 * The server's acceptance of an {@link #AUTH_RESPONSE}, with its own proof of the
	 * shared secret: {@code [14, serverProof]}.
	 */
	AUTH_OK(14);

	private static final FrameType[] BY_CODE = new FrameType[15];

	static {
		for (FrameType type : values()) {
			BY_CODE[type.code] = type;
		}
	}

	private final int code;

	FrameType(int code) {
		this.code = code;
	}

	/**
	 * Return the number that identifies this frame type on the wire.
	 * @return the code
	 */
	public int code() {
		return this.code;
	}

	/**
	 * Return the frame type for a wire code.
	 * @param code the code
	 * @return the frame type, or {@code null} if the code is unknown
	 */
	public static FrameType fromCode(int code) {
		return (code > 0 && code < BY_CODE.length) ? BY_CODE[code] : null;
	}

}
