package io.easyrpc;

/**
 * Outcome of a remote call. Every failure, on either side of the wire, is reported as one
 * of these statuses together with a message and, where it helps, the class name of the
 * remote exception. The numeric {@link #code() code} is what travels on the wire.
 */
public enum RpcStatus {

	/** The call completed normally. */
	OK(0),

	/** The call was cancelled, usually by the caller. */
	CANCELLED(1),

	/** The service method threw an exception that is not mapped to another status. */
	APPLICATION_ERROR(2),

	/** The arguments could not be decoded or do not fit the method's parameters. */
	INVALID_ARGUMENT(3),

	/** The deadline passed before the call completed. */
	DEADLINE_EXCEEDED(4),

	/** The server has no method under the requested key. */
	NOT_FOUND(5),

	/** The caller is known but not allowed to make the call. */
	PERMISSION_DENIED(7),

	/** A limit was reached (concurrency, frame size, connections). */
	RESOURCE_EXHAUSTED(8),

	/** A bug or an unexpected condition inside the RPC machinery. */
	INTERNAL(13),

	/** The server cannot be reached, is shutting down, or the connection was lost. */
	UNAVAILABLE(14),

	/** The caller could not be authenticated. */
	UNAUTHENTICATED(16);

	private static final RpcStatus[] BY_CODE = new RpcStatus[17];

	static {
		for (RpcStatus status : values()) {
			BY_CODE[status.code] = status;
		}
	}

	private final int code;

	RpcStatus(int code) {
		this.code = code;
	}

	/**
	 * Return the numeric code that represents this status on the wire.
	 * @return the wire code
	 */
	public int code() {
		return this.code;
	}

	/**
	 * Return the status for a wire code. Unknown codes, for example from a newer peer,
	 * map to {@link #INTERNAL}.
	 * @param code the wire code
	 * @return the status, never {@code null}
	 */
	public static RpcStatus fromCode(int code) {
		RpcStatus status = (code >= 0 && code < BY_CODE.length) ? BY_CODE[code] : null;
		return (status != null) ? status : INTERNAL;
	}

}
