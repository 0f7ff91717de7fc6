package io.easyrpc.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;
import org.slf4j.helpers.MessageFormatter;

import static org.awaitility.Awaitility.await;

/**
 * The log lines a test provokes on purpose: captured, kept off the test output, and
 * asserted. A test registers it with {@code @RegisterExtension} and declares each line it
 * expects with {@link #expect}; the test fails when one of them has not arrived within a
 * few seconds of its end (lines logged on other threads may come a little after the call
 * that caused them). Lines that no one expects print as usual, so a real problem stays
 * visible in a passing build's output.
 */
public final class ExpectedLogs implements BeforeEachCallback, AfterEachCallback {

	private Duration wait = Duration.ofSeconds(20);

	private final List<Expectation> expectations = new CopyOnWriteArrayList<>();

	private final Capture capture = new Capture();

	/**
	 * Wait at most this long after a test for the lines it expects (20 s unless set).
	 * @param wait the longest wait
	 * @return this
	 */
	public ExpectedLogs waitingAtMost(Duration wait) {
		this.wait = wait;
		return this;
	}

	/**
	 * Expect at least one line from the logger of the given class at the given level
	 * whose message contains the given text.
	 * @param logger the class the logger is named after
	 * @param level the level
	 * @param text part of the message
	 * @return this, to declare more
	 */
	public ExpectedLogs expect(Class<?> logger, Level level, String text) {
		return expect(logger.getName(), level, text);
	}

	/**
	 * Expect at least one line from the named logger at the given level whose message
	 * contains the given text.
	 * @param logger the logger's name
	 * @param level the level
	 * @param text part of the message
	 * @return this, to declare more
	 */
	public ExpectedLogs expect(String logger, Level level, String text) {
		this.expectations.add(new Expectation(logger, level, text, true));
		return this;
	}

	/**
	 * Capture lines like these without requiring one: for a line that a race the test
	 * does not control may or may not cause.
	 * @param logger the logger's name
	 * @param level the level
	 * @param text part of the message
	 * @return this, to declare more
	 */
	public ExpectedLogs tolerate(String logger, Level level, String text) {
		this.expectations.add(new Expectation(logger, level, text, false));
		return this;
	}

	/**
	 * Return the messages captured so far.
	 * @return the formatted messages, in the order they were logged
	 */
	public List<String> captured() {
		return List.copyOf(this.capture.messages);
	}

	@Override
	public void beforeEach(ExtensionContext context) {
		this.capture.messages.clear();
		this.capture.start();
		loggerContext().addTurboFilter(this.capture);
	}

	@Override
	public void afterEach(ExtensionContext context) {
		try {
			if (context.getExecutionException().isEmpty()) {
				awaitExpectedLines();
			}
		}
		finally {
			loggerContext().getTurboFilterList().remove(this.capture);
			this.capture.stop();
			this.expectations.clear();
		}
	}

	private void awaitExpectedLines() {
		try {
			await().atMost(this.wait)
				.until(() -> this.expectations.stream().allMatch((expectation) -> expectation.satisfied()));
		}
		catch (ConditionTimeoutException ex) {
			List<String> missing = new ArrayList<>();
			for (Expectation expectation : this.expectations) {
				if (!expectation.satisfied()) {
					missing.add(expectation.toString());
				}
			}
			throw new AssertionError("Expected log lines did not arrive within " + this.wait.toMillis() + " ms: "
					+ missing + "; captured: " + this.capture.messages);
		}
	}

	private static LoggerContext loggerContext() {
		return (LoggerContext) LoggerFactory.getILoggerFactory();
	}

	private final class Capture extends TurboFilter {

		final List<String> messages = new CopyOnWriteArrayList<>();

		@Override
		public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params,
				Throwable thrown) {
			if (format == null) {
				// an isEnabled() check: the line itself comes later
				return FilterReply.NEUTRAL;
			}
			String message = null;
			for (Expectation expectation : ExpectedLogs.this.expectations) {
				if (expectation.level.equals(level) && expectation.logger.equals(logger.getName())) {
					if (message == null) {
						message = MessageFormatter.arrayFormat(format, params, thrown).getMessage();
					}
					if (message.contains(expectation.text)) {
						expectation.count.incrementAndGet();
						this.messages.add(level + " " + logger.getName() + " - " + message);
						return FilterReply.DENY;
					}
				}
			}
			return FilterReply.NEUTRAL;
		}

	}

	private static final class Expectation {

		final String logger;

		final Level level;

		final String text;

		final boolean required;

		final AtomicInteger count = new AtomicInteger();

		Expectation(String logger, Level level, String text, boolean required) {
			this.logger = logger;
			this.level = level;
			this.text = text;
			this.required = required;
		}

		boolean satisfied() {
			return !this.required || this.count.get() > 0;
		}

		@Override
		public String toString() {
			return this.level + " " + this.logger + " '" + this.text + "'";
		}

	}

}
