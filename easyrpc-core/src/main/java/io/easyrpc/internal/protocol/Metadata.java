package io.easyrpc.internal.protocol;

import java.util.Collections;
import java.util.Map;

/**
 * The metadata of a request or notification.
 *
 * @param timeoutMillis the time the caller waits for the result, relative to the moment
 * the frame is sent, so that clocks need not agree; {@code 0} for no deadline
 * @param idempotencyKey the idempotency key or {@code null}
 * @param sessionId the session id or {@code null}
 * @param headers free headers, never {@code null}
 */
public record Metadata(long timeoutMillis, String idempotencyKey, String sessionId, Map<String, String> headers) {

	/** Metadata with no deadline and no headers. */
	public static final Metadata EMPTY = new Metadata(0, null, null, Collections.emptyMap());

	/**
	 * The longest relative deadline honoured: 30 days. A longer one, sent or configured,
	 * is cut to this, so that adding it to {@link System#nanoTime()} cannot overflow (a
	 * timeout of about 292 years would, and the call would fail at once).
	 */
	public static final long MAX_TIMEOUT_MILLIS = 30L * 24 * 60 * 60 * 1000;

	/** Map key of the relative deadline in milliseconds. */
	public static final int KEY_TIMEOUT = 1;

	/** Map key of the idempotency key. */
	public static final int KEY_IDEMPOTENCY_KEY = 2;

	/** Map key of the session id. */
	public static final int KEY_SESSION_ID = 3;

	/** Map key of the free headers. */
	public static final int KEY_HEADERS = 4;

	/**
	 * Create metadata, replacing a {@code null} header map with an empty one.
	 * @param timeoutMillis the relative deadline or {@code 0}
	 * @param idempotencyKey the idempotency key or {@code null}
	 * @param sessionId the session id or {@code null}
	 * @param headers the headers or {@code null}
	 */
	public Metadata {
		if (headers == null) {
			headers = Collections.emptyMap();
		}
	}

	/**
	 * Return whether this metadata carries nothing.
	 * @return {@code true} if every field is empty
	 */
	public boolean isEmpty() {
		return this.timeoutMillis == 0 && this.idempotencyKey == null && this.sessionId == null
				&& this.headers.isEmpty();
	}

}
