package io.easyrpc.middleware;

import java.util.Map;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.easyrpc.RpcStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link AccessLogObserver}.
 */
@ExtendWith(OutputCaptureExtension.class)
class AccessLogObserverTests {

	private final Logger logger = (Logger) LoggerFactory.getLogger(AccessLogObserver.LOGGER_NAME);

	@Test
	void whenCallStopsThenOneLineIsLoggedWithKeyPeerStatusAndDuration(CapturedOutput output) {
		CallObservation observation = new AccessLogObserver()
			.start(new CallInfo("Greeter.hello", "/10.0.0.7:51234", Map.of(), false));
		assertThat(observation.openScope()).isSameAs(CallObservation.Scope.NONE);
		observation.stop(RpcStatus.APPLICATION_ERROR, new IllegalStateException());
		assertThat(output.getOut()).containsPattern("INFO.* " + AccessLogObserver.LOGGER_NAME
				+ " .*Greeter\\.hello /10\\.0\\.0\\.7:51234 APPLICATION_ERROR \\d+\\.\\d{3} ms\\R");
	}

	@Test
	void whenLoggerIsAboveInfoThenCallsAreNotObserved() {
		Level level = this.logger.getLevel();
		this.logger.setLevel(Level.WARN);
		try {
			assertThat(new AccessLogObserver().start(new CallInfo("Greeter.hello", "peer", Map.of(), false))).isNull();
		}
		finally {
			this.logger.setLevel(level);
		}
	}

}
