package io.easyrpc.it;

import java.time.Duration;
import java.util.Locale;

import io.easyrpc.RpcException;
import io.easyrpc.RpcStatus;
import io.easyrpc.client.RpcChannel;
import io.easyrpc.server.RpcServer;
import io.easyrpc.transport.RpcAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * A channel's subchannel losing its server and finding it again over loopback sockets.
 */
@ExtendWith(LeakDetectionExtension.class)
class ReconnectionTests {

	private final RpcFixture rpc = new RpcFixture();

	@AfterEach
	void close() {
		this.rpc.close();
	}

	@Test
	void channelReconnectsAfterTheServerGoesAwayAndComesBack() {
		RpcServer server = this.rpc.tcpServer(new UpperService());
		int port = server.port();
		RpcChannel channel = this.rpc.channel(RpcAddress.tcp("127.0.0.1", port),
				(builder) -> builder.initialBackoff(Duration.ofMillis(20)).maxBackoff(Duration.ofMillis(200)));
		Upper upper = this.rpc.client(Upper.class, channel);
		assertThat(upper.upper("one")).isEqualTo("ONE");
		assertThat(channel.state()).isEqualTo(RpcChannel.State.READY);

		server.stop(Duration.ZERO);
		await().atMost(Duration.ofSeconds(10)).until(() -> channel.state() == RpcChannel.State.IDLE);
		assertThatExceptionOfType(RpcException.class).isThrownBy(() -> upper.upper("down"))
			.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(RpcStatus.UNAVAILABLE));
		assertThat(channel.state()).isEqualTo(RpcChannel.State.TRANSIENT_FAILURE);
		assertThat(channel.pendingCalls()).isZero();

		RpcServer restarted = this.rpc.server(RpcAddress.tcp("127.0.0.1", port), (builder) -> {
		}, RpcFixture.definitions(new UpperService()));
		assertThat(restarted.port()).isEqualTo(port);
		await().atMost(Duration.ofSeconds(10))
			.pollInterval(Duration.ofMillis(20))
			.ignoreException(RpcException.class)
			.until(() -> upper.upper("two"), "TWO"::equals);
		assertThat(channel.state()).isEqualTo(RpcChannel.State.READY);
		assertThat(restarted.connectionCount()).isOne();
	}

	public interface Upper {

		String upper(String text);

	}

	static class UpperService implements Upper {

		@Override
		public String upper(String text) {
			return text.toUpperCase(Locale.ROOT);
		}

	}

}
