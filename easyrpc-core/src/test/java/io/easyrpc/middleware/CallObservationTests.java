package io.easyrpc.middleware;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.easyrpc.RpcStatus;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link CallObservation#of(List)}.
 */
class CallObservationTests {

	private final List<String> events = new ArrayList<>();

	@Test
	void whenNoObservationIsLeftThenResultIsNull() {
		assertThat(CallObservation.of(Arrays.asList(null, null))).isNull();
		assertThat(CallObservation.of(List.of())).isNull();
	}

	@Test
	void whenOneObservationIsLeftThenItIsReturnedAsIs() {
		CallObservation only = new Recording("only");
		assertThat(CallObservation.of(Arrays.asList(null, only, null))).isSameAs(only);
	}

	@Test
	void scopesOpenInOrderAndCloseInReverse() {
		CallObservation combined = CallObservation.of(List.of(new Recording("a"), new Recording("b")));
		try (CallObservation.Scope scope = combined.openScope()) {
			this.events.add("invoke");
		}
		combined.stop(RpcStatus.NOT_FOUND, null);
		assertThat(this.events).containsExactly("open a", "open b", "invoke", "close b", "close a", "stop b NOT_FOUND",
				"stop a NOT_FOUND");
	}

	private final class Recording implements CallObservation {

		private final String name;

		Recording(String name) {
			this.name = name;
		}

		@Override
		public Scope openScope() {
			CallObservationTests.this.events.add("open " + this.name);
			return () -> CallObservationTests.this.events.add("close " + this.name);
		}

		@Override
		public void stop(RpcStatus status, Throwable error) {
			CallObservationTests.this.events.add("stop " + this.name + " " + status);
		}

	}

}
