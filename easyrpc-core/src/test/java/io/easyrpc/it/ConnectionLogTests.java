package io.easyrpc.it;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.easyrpc.RpcException;
import io.easyrpc.client.RpcChannel;
import io.easyrpc.internal.client.Subchannel;
import io.easyrpc.server.RpcServer;
import io.easyrpc.transport.RpcAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * What a client logs when it loses its server and finds it again, over loopback sockets:
 * one warning per loss, one line when the connection is back, nothing per failed attempt
 * in between.
 */
class ConnectionLogTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private final RpcFixture rpc = new RpcFixture();

	private final ListAppender<ILoggingEvent> log = new ListAppender<>();

	private final Logger subchannelLogger = (Logger) LoggerFactory.getLogger(Subchannel.class);

	@BeforeEach
	void captureLog() {
		this.log.start();
		this.subchannelLogger.addAppender(this.log);
	}

	@AfterEach
	void close() {
		this.rpc.close();
		this.subchannelLogger.detachAppender(this.log);
	}

	@Test
	void lostConnectionIsLoggedOnceAndItsReturnOnce() {
		RpcServer server = this.rpc.tcpServer(new ReconnectionTests.UpperService());
		int port = server.port();
		RpcAddress address = RpcAddress.tcp("127.0.0.1", port);
		RpcChannel channel = this.rpc.channel(address,
				(builder) -> builder.initialBackoff(Duration.ofMillis(10)).maxBackoff(Duration.ofMillis(20)));
		ReconnectionTests.Upper upper = this.rpc.client(ReconnectionTests.Upper.class, channel);
		assertThat(upper.upper("one")).isEqualTo("ONE");
		assertThat(lines(Level.WARN)).isEmpty();
		assertThat(lines(Level.INFO)).isEmpty();

		server.stop(Duration.ZERO);
		await().atMost(WAIT).until(() -> lines(Level.WARN).size() == 1);
		assertThat(lines(Level.WARN).get(0)).startsWith("Lost the connection to easyrpc server " + address + ": ")
			.contains("Server is shutting down");
		// Several failed attempts while the server is down: no line of their own.
		for (int i = 0; i < 5; i++) {
			int attempt = i;
			await().atMost(WAIT)
				.untilAsserted(() -> assertThatExceptionOfType(RpcException.class)
					.isThrownBy(() -> upper.upper("down " + attempt)));
		}
		assertThat(lines(Level.WARN)).hasSize(1);
		assertThat(lines(Level.INFO)).isEmpty();

		this.rpc.server(address, (builder) -> {
		}, RpcFixture.definitions(new ReconnectionTests.UpperService()));
		await().atMost(WAIT)
			.pollInterval(Duration.ofMillis(20))
			.ignoreException(RpcException.class)
			.until(() -> upper.upper("two"), "TWO"::equals);
		assertThat(upper.upper("three")).isEqualTo("THREE");
		assertThat(lines(Level.INFO)).singleElement()
			.satisfies((line) -> assertThat(line)
				.startsWith("Re-established the connection to easyrpc server " + address));
		assertThat(lines(Level.WARN)).hasSize(1);
	}

	@Test
	void closingTheChannelIsNoLoss() {
		RpcServer server = this.rpc.tcpServer(new ReconnectionTests.UpperService());
		RpcChannel channel = this.rpc.channel(RpcFixture.address(server), (builder) -> {
		});
		ReconnectionTests.Upper upper = this.rpc.client(ReconnectionTests.Upper.class, channel);
		assertThat(upper.upper("one")).isEqualTo("ONE");
		channel.close();
		await().atMost(WAIT).until(() -> server.connectionCount() == 0);
		assertThat(lines(Level.WARN)).isEmpty();
		assertThat(String.join("\n", lines(Level.INFO)).toLowerCase(Locale.ROOT)).doesNotContain("lost");
	}

	// The lines about connections; ejections have lines of their own.
	private List<String> lines(Level level) {
		return this.log.list.stream()
			.filter((event) -> event.getLevel() == level)
			.map(ILoggingEvent::getFormattedMessage)
			.filter((message) -> message.contains("connection to easyrpc server"))
			.toList();
	}

}
