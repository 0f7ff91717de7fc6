package io.easyrpc.autoconfigure.observation;

import java.util.Map;

import io.easyrpc.RpcStatus;
import io.easyrpc.middleware.CallInfo;
import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link CallKeyValues}.
 */
class CallKeyValuesTests {

	private final CallKeyValues keyValues = new CallKeyValues();

	@Test
	void eachStatusAndCallTypeHasItsOwnKeyValues() {
		CallInfo unary = new CallInfo("Tests.status", "peer", Map.of(), false);
		CallInfo oneWay = new CallInfo("Tests.status", "peer", Map.of(), true);
		for (int i = 0; i < 2; i++) {
			assertThat(this.keyValues.lowCardinality(unary, null)).contains(KeyValue.of("rpc.status", "UNKNOWN"));
			for (RpcStatus status : RpcStatus.values()) {
				assertThat(this.keyValues.lowCardinality(unary, status))
					.contains(KeyValue.of("rpc.status", status.name()), KeyValue.of("rpc.type", "unary"));
				assertThat(this.keyValues.lowCardinality(oneWay, status))
					.contains(KeyValue.of("rpc.status", status.name()), KeyValue.of("rpc.type", "one_way"));
			}
		}
	}

	@Test
	void keyValuesAreReusedForTheSameMethodAndStatus() {
		KeyValues first = this.keyValues.lowCardinality(new CallInfo("Tests.reused", "a", Map.of(), false),
				RpcStatus.OK);
		KeyValues second = this.keyValues.lowCardinality(new CallInfo("Tests.reused", "b", Map.of(), false),
				RpcStatus.OK);
		assertThat(second).isSameAs(first);
	}

	@Test
	void manyDistinctKeysStillGetTheirOwnKeyValues() {
		for (int i = 0; i < 3000; i++) {
			CallInfo call = new CallInfo("Unknown" + i + ".call", "peer", Map.of(), false);
			assertThat(this.keyValues.lowCardinality(call, RpcStatus.NOT_FOUND)).containsExactlyInAnyOrder(
					KeyValue.of("rpc.system", "easyrpc"), KeyValue.of("rpc.service", "Unknown" + i),
					KeyValue.of("rpc.method", "call"), KeyValue.of("rpc.type", "unary"),
					KeyValue.of("rpc.status", "NOT_FOUND"), KeyValue.of("rpc.transport", "tcp"));
		}
	}

	@Test
	void peerIsTheHighCardinalityKeyValue() {
		assertThat(this.keyValues.highCardinality(new CallInfo("Tests.peer", "/10.1.2.3:4567", Map.of(), false)))
			.containsExactly(KeyValue.of("network.peer.address", "/10.1.2.3:4567"));
	}

}
