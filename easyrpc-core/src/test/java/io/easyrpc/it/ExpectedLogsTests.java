package io.easyrpc.it;

import java.time.Duration;
import java.util.List;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder.request;

/**
 * Tests for {@link ExpectedLogs}: an expected line is captured and kept from the
 * appenders, a missing one fails the test, and other lines pass through.
 */
class ExpectedLogsTests {

	static final String LOGGER = "io.easyrpc.it.ExpectedLogsTests.sample";

	private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

	@BeforeEach
	void attach() {
		this.appender.start();
		logger().addAppender(this.appender);
	}

	@AfterEach
	void detach() {
		logger().detachAppender(this.appender);
	}

	@Test
	void anExpectedLineIsCapturedAndDoesNotReachTheAppenders() {
		TestExecutionSummary summary = run(LogsWhatItExpects.class);
		assertThat(summary.getTestsSucceededCount()).isOne();
		assertThat(LogsWhatItExpects.captured).containsExactly("WARN " + LOGGER + " - Refusing client 42: bad secret");
		assertThat(this.appender.list).extracting(ILoggingEvent::getFormattedMessage)
			.containsExactly("something else went wrong");
	}

	@Test
	void aMissingLineFailsTheTest() {
		TestExecutionSummary summary = run(MissesALine.class);
		assertThat(summary.getTestsFailedCount()).isOne();
		assertThat(summary.getFailures().get(0).getException()).isInstanceOf(AssertionError.class)
			.hasMessageContaining("Expected log lines did not arrive")
			.hasMessageContaining("'bad secret'");
	}

	@Test
	void aToleratedLineNeedNotCome() {
		TestExecutionSummary summary = run(ToleratesALine.class);
		assertThat(summary.getTestsSucceededCount()).isOne();
	}

	private static TestExecutionSummary run(Class<?> testClass) {
		LauncherDiscoveryRequest request = request().selectors(selectClass(testClass)).build();
		SummaryGeneratingListener listener = new SummaryGeneratingListener();
		LauncherFactory.create().execute(request, listener);
		return listener.getSummary();
	}

	private static Logger logger() {
		return (Logger) LoggerFactory.getLogger(LOGGER);
	}

	static class LogsWhatItExpects {

		static List<String> captured = List.of();

		@RegisterExtension
		final ExpectedLogs logs = new ExpectedLogs();

		@Test
		void logs() {
			this.logs.expect(LOGGER, Level.WARN, "bad secret");
			logger().warn("Refusing client {}: {}", 42, "bad secret");
			logger().warn("something else went wrong");
			captured = this.logs.captured();
		}

	}

	static class MissesALine {

		@RegisterExtension
		final ExpectedLogs logs = new ExpectedLogs().waitingAtMost(Duration.ofMillis(200));

		@Test
		void logsNothing() {
			this.logs.expect(LOGGER, Level.WARN, "bad secret");
		}

	}

	static class ToleratesALine {

		@RegisterExtension
		final ExpectedLogs logs = new ExpectedLogs().waitingAtMost(Duration.ofMillis(200));

		@Test
		void logsNothing() {
			this.logs.tolerate(LOGGER, Level.WARN, "bad secret");
		}

	}

}
