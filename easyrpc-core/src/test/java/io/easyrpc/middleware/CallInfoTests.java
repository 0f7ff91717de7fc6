package io.easyrpc.middleware;

import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link CallInfo}.
 */
class CallInfoTests {

	@Test
	void serviceAndMethodAreSplitAtTheLastDot() {
		CallInfo call = new CallInfo("Greeter.hello", "tcp://localhost:7070", Map.of(), false);
		assertThat(call.service()).isEqualTo("Greeter");
		assertThat(call.method()).isEqualTo("hello");
		assertThat(call.type()).isEqualTo("unary");
	}

	@Test
	void groupStaysWithTheService() {
		CallInfo call = new CallInfo("billing/Invoices.create", "tcp://localhost:7070", Map.of(), false);
		assertThat(call.service()).isEqualTo("billing/Invoices");
		assertThat(call.method()).isEqualTo("create");
	}

	@Test
	void notificationIsOneWay() {
		assertThat(new CallInfo("Audit.record", "peer", Map.of(), true).type()).isEqualTo("one_way");
	}

	@Test
	void keyWithoutDotIsBothServiceAndMethod() {
		CallInfo call = new CallInfo("nvim_eval", "peer", Map.of(), false);
		assertThat(call.service()).isEqualTo("nvim_eval");
		assertThat(call.method()).isEqualTo("nvim_eval");
	}

	@Test
	void serverStreamHasItsType() {
		assertThat(new CallInfo("Ticker.ticks", "peer", Map.of(), false, true).type()).isEqualTo("server_stream");
		assertThat(new CallInfo("Ticker.ticks", "peer", Map.of(), false).serverStream()).isFalse();
	}

}
