package io.easyrpc.internal.logging;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.LongSupplier;

import org.slf4j.Logger;

/**
 * Writes at most one warning of each kind per interval. A server keeps one for its
 * connections; code shared by all servers and clients keeps a static one. The first
 * warning of a kind is written at once; the following ones within the interval are only
 * counted, and the first warning after the interval carries that count
 * ({@code "(N similar warnings
 * suppressed in the last 10 s)"}), so a flood of one kind from a peer costs one line per
 * interval. Kinds are a small fixed set chosen by the caller (never peer text), such as
 * {@code "unknown-method"}.
 * <p>
 * Thread-safe; the clock is injectable for tests.
 */
public final class RateLimitedLog {

	/** The default interval: 10 seconds. */
	public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);

	private final long intervalNanos;

	private final String intervalText;

	private final LongSupplier nanoTime;

	private final ConcurrentMap<String, Window> windows = new ConcurrentHashMap<>();

	/**
	 * Create a log with the default interval on the {@link System#nanoTime()} clock.
	 */
	public RateLimitedLog() {
		this(DEFAULT_INTERVAL, System::nanoTime);
	}

	/**
	 * Create a log.
	 * @param interval the interval per kind
	 * @param nanoTime the clock, in nanoseconds
	 */
	public RateLimitedLog(Duration interval, LongSupplier nanoTime) {
		this.intervalNanos = interval.toNanos();
		this.intervalText = (interval.toMillis() % 1000 == 0) ? (interval.toSeconds() + " s")
				: (interval.toMillis() + " ms");
		this.nanoTime = nanoTime;
	}

	/**
	 * Write a warning unless one of the same kind was written within the interval.
	 * Arguments that come from a peer must already be passed through
	 * {@link LogSafe#text(Object)}.
	 * @param logger the logger to write to
	 * @param kind the kind of warning
	 * @param format the SLF4J message format
	 * @param arguments the arguments
	 */
	public void warn(Logger logger, String kind, String format, Object... arguments) {
		if (!logger.isWarnEnabled()) {
			return;
		}
		long suppressed = admit(kind);
		if (suppressed < 0) {
			return;
		}
		if (suppressed == 0) {
			logger.warn(format, arguments);
		}
		else {
			logger.warn(format + " (" + suppressed + " similar warning" + ((suppressed != 1) ? "s" : "")
					+ " suppressed in the last " + this.intervalText + ")", arguments);
		}
	}

	/**
	 * Return the number of warnings suppressed before this one if it may be written, or
	 * -1 if it is suppressed.
	 */
	private long admit(String kind) {
		Window window = this.windows.computeIfAbsent(kind, (key) -> new Window());
		long now = this.nanoTime.getAsLong();
		synchronized (window) {
			if (window.written && now - window.start < this.intervalNanos) {
				window.suppressed++;
				return -1;
			}
			long suppressed = window.suppressed;
			window.written = true;
			window.start = now;
			window.suppressed = 0;
			return suppressed;
		}
	}

	private static final class Window {

		boolean written;

		long start;

		long suppressed;

	}

}
