package io.easyrpc.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import ch.qos.logback.classic.Level;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.helpers.FormattingTuple;
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

	// The tests capturing now. A registry rather than a filter added to the logger
	// context:
	// a Spring Boot application started by a test resets the logging configuration, which
	// drops filters added in code but re-creates the one that logback-test.xml declares.
	private static final List<ExpectedLogs> ACTIVE = new CopyOnWriteArrayList<>();

	private final List<String> messages = new CopyOnWriteArrayList<>();

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
	 * does not control may or may not cause, or one that many tests of a class provoke.
	 * @param logger the class the logger is named after
	 * @param level the level
	 * @param text part of the message
	 * @return this, to declare more
	 */
	public ExpectedLogs tolerate(Class<?> logger, Level level, String text) {
		return tolerate(logger.getName(), level, text);
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
	 * Return the lines captured so far.
	 * @return each line's level, logger, formatted message and, on a line of its own, the
	 * exception logged with it; in the order they were logged
	 */
	public List<String> captured() {
		return List.copyOf(this.messages);
	}

	@Override
	public void beforeEach(ExtensionContext context) {
		start();
	}

	@Override
	public void afterEach(ExtensionContext context) {
		finish(context.getExecutionException().isEmpty());
	}

	/**
	 * Start capturing, for a test that does not run on JUnit Jupiter (the TestNG suites
	 * call it before their first test).
	 */
	public void start() {
		this.messages.clear();
		ACTIVE.add(this);
	}

	/**
	 * Stop capturing, first waiting for the expected lines that have not arrived yet.
	 * @param verify whether to wait for the expected lines and fail without them (not
	 * when the test has failed already)
	 * @throws AssertionError if an expected line did not arrive
	 */
	public void finish(boolean verify) {
		try {
			if (verify) {
				awaitExpectedLines();
			}
		}
		finally {
			ACTIVE.remove(this);
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
					+ missing + "; captured: " + this.messages);
		}
	}

	/**
	 * Decide on one line for {@link ExpectedLogsFilter}: a line that one of the tests
	 * running now expects or tolerates is counted, kept, and denied to the appenders.
	 * @param logger the logger's name
	 * @param level the line's level
	 * @param format the message pattern
	 * @param params the message arguments
	 * @param thrown the exception logged with the line, if any
	 * @return whether the line was captured
	 */
	static boolean capture(String logger, Level level, String format, Object[] params, Throwable thrown) {
		boolean captured = false;
		for (ExpectedLogs logs : ACTIVE) {
			captured |= logs.offer(logger, level, format, params, thrown);
		}
		return captured;
	}

	private boolean offer(String logger, Level level, String format, Object[] params, Throwable thrown) {
		String message = null;
		boolean matched = false;
		for (Expectation expectation : this.expectations) {
			if (expectation.level.equals(level) && expectation.logger.equals(logger)) {
				if (message == null) {
					// without an explicit exception, a trailing argument may be one
					FormattingTuple formatted = (thrown != null) ? MessageFormatter.arrayFormat(format, params, thrown)
							: MessageFormatter.arrayFormat(format, params);
					message = formatted.getMessage();
					if (formatted.getThrowable() != null) {
						message += System.lineSeparator() + formatted.getThrowable();
					}
				}
				if (message.contains(expectation.text)) {
					// every declaration the line matches counts it
					expectation.count.incrementAndGet();
					matched = true;
				}
			}
		}
		if (matched) {
			this.messages.add(level + " " + logger + " - " + message);
		}
		return matched;
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
