package io.easyrpc.middleware;

import java.net.InetAddress;
import java.net.InetSocketAddress;

import io.easyrpc.RpcStatus;
import io.netty.channel.local.LocalAddress;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link PerIpConnectionLimit}.
 */
class PerIpConnectionLimitTests {

	@Test
	void limitsEachAddressOnItsOwn() throws Exception {
		PerIpConnectionLimit limit = new PerIpConnectionLimit(2);
		ConnectionInfo first = peer("10.0.0.1", 4000);
		ConnectionInfo second = peer("10.0.0.1", 4001);
		assertThat(limit.onConnect(first).isAccepted()).isTrue();
		assertThat(limit.onConnect(second).isAccepted()).isTrue();
		ConnectionDecision refused = limit.onConnect(peer("10.0.0.1", 4002));
		assertThat(refused.status()).isEqualTo(RpcStatus.RESOURCE_EXHAUSTED);
		assertThat(refused.reason()).isEqualTo("ip-connection-limit");
		assertThat(refused.message()).contains("10.0.0.1").contains("2 per address");
		assertThat(limit.onConnect(peer("10.0.0.2", 4000)).isAccepted()).isTrue();
		assertThat(limit.onConnect(peer("2001:db8::1", 4000)).isAccepted()).isTrue();
		assertThat(limit.openConnections(InetAddress.getByName("10.0.0.1"))).isEqualTo(2);
	}

	@Test
	void closingAConnectionGivesItsAddressASlotBack() throws Exception {
		PerIpConnectionLimit limit = new PerIpConnectionLimit(1);
		ConnectionInfo first = peer("10.0.0.1", 4000);
		assertThat(limit.onConnect(first).isAccepted()).isTrue();
		assertThat(limit.onConnect(peer("10.0.0.1", 4001)).isAccepted()).isFalse();
		limit.onClose(first);
		assertThat(limit.openConnections(InetAddress.getByName("10.0.0.1"))).isZero();
		assertThat(limit.onConnect(peer("10.0.0.1", 4002)).isAccepted()).isTrue();
	}

	@Test
	void inProcessConnectionsAreNeitherLimitedNorCounted() {
		PerIpConnectionLimit limit = new PerIpConnectionLimit(1);
		ConnectionInfo local = new ConnectionInfo(new LocalAddress("client"), new LocalAddress("server"), null);
		for (int i = 0; i < 5; i++) {
			assertThat(limit.onConnect(local).isAccepted()).isTrue();
		}
		limit.onClose(local);
		assertThat(limit.onConnect(peer("10.0.0.1", 4000)).isAccepted()).isTrue();
	}

	@Test
	void limitMustBePositive() {
		assertThatIllegalArgumentException().isThrownBy(() -> new PerIpConnectionLimit(0))
			.withMessageContaining("at least 1");
	}

	private static ConnectionInfo peer(String address, int port) {
		return new ConnectionInfo(new InetSocketAddress(address, port), new InetSocketAddress("10.9.9.9", 7070), null);
	}

}
