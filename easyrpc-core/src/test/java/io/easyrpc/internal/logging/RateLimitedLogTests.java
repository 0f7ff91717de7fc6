package io.easyrpc.internal.logging;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;

class RateLimitedLogTests {

	private final Logger logger = (Logger) LoggerFactory.getLogger(RateLimitedLogTests.class);

	private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

	private final AtomicLong now = new AtomicLong(1_000);

	private final RateLimitedLog log = new RateLimitedLog(Duration.ofSeconds(10), this.now::get);

	@BeforeEach
	void attach() {
		this.appender.start();
		this.logger.addAppender(this.appender);
	}

	@AfterEach
	void detach() {
		this.logger.detachAppender(this.appender);
	}

	@Test
	void oneLinePerKindAndIntervalThenTheCountOfSuppressedOnes() {
		for (int i = 0; i < 100; i++) {
			this.log.warn(this.logger, "unknown-method", "Dropping notification {}", i);
		}
		assertThat(lines()).containsExactly("Dropping notification 0");
		this.now.addAndGet(Duration.ofSeconds(9).toNanos());
		this.log.warn(this.logger, "unknown-method", "Dropping notification {}", 100);
		assertThat(lines()).hasSize(1);
		this.now.addAndGet(Duration.ofSeconds(1).toNanos());
		this.log.warn(this.logger, "unknown-method", "Dropping notification {}", 101);
		assertThat(lines()).containsExactly("Dropping notification 0",
				"Dropping notification 101 (100 similar warnings suppressed in the last 10 s)");
		this.now.addAndGet(Duration.ofSeconds(10).toNanos());
		this.log.warn(this.logger, "unknown-method", "Dropping notification {}", 102);
		assertThat(lines()).last().isEqualTo("Dropping notification 102");
	}

	@Test
	void kindsAreLimitedSeparately() {
		this.log.warn(this.logger, "unknown-method", "a");
		this.log.warn(this.logger, "protocol-error", "b");
		this.log.warn(this.logger, "unknown-method", "c");
		this.log.warn(this.logger, "protocol-error", "d");
		assertThat(lines()).containsExactly("a", "b");
	}

	private List<String> lines() {
		return this.appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
	}

}
