package io.easyrpc.it;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.easyrpc.RpcException;
import io.easyrpc.RpcStatus;
import io.easyrpc.client.ClientDefinition;
import io.easyrpc.client.RpcChannel;
import io.easyrpc.server.RpcServer;
import io.easyrpc.server.RpcServerBindException;
import io.easyrpc.transport.RpcAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Making, keeping and losing connections: peers that are not easyrpc servers, idle
 * connections, keep-alive, ports in use.
 */
@ExtendWith(LeakDetectionExtension.class)
class ConnectionTests {

	private final RpcFixture rpc = new RpcFixture();

	private final List<Socket> accepted = new ArrayList<>();

	@AfterEach
	void close() throws IOException {
		for (Socket socket : this.accepted) {
			socket.close();
		}
		this.rpc.close();
	}

	@Test
	void peerThatNeverSendsAPrefaceFailsCallsWithUnavailable() throws Exception {
		try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
			Thread acceptor = acceptInBackground(silent, null);
			RpcChannel channel = this.rpc.channel(RpcAddress.tcp("127.0.0.1", silent.getLocalPort()),
					(builder) -> builder.connectTimeout(Duration.ofMillis(300)));
			Echo echo = this.rpc.client(Echo.class, channel);
			// The preface timer fails the call (its deadline would fail it with
			// DEADLINE_EXCEEDED); ClientConnectionTimerTests checks the timer's delay.
			assertThatExceptionOfType(RpcException.class).isThrownBy(() -> echo.echo("hello"))
				.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(RpcStatus.UNAVAILABLE))
				.withMessageContaining("preface");
			acceptor.join(5000);
		}
	}

	@Test
	void peerThatSpeaksAnotherProtocolFailsCallsWithUnavailable() throws Exception {
		byte[] http = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
		try (ServerSocket web = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
			Thread acceptor = acceptInBackground(web, http);
			RpcChannel channel = this.rpc.channel(RpcAddress.tcp("127.0.0.1", web.getLocalPort()), (builder) -> {
			});
			Echo echo = this.rpc.client(Echo.class, channel);
			assertThatExceptionOfType(RpcException.class).isThrownBy(() -> echo.echo("hello"))
				.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(RpcStatus.UNAVAILABLE));
			acceptor.join(5000);
		}
	}

	@Test
	void refusedConnectionFailsWithUnavailable() throws Exception {
		int port;
		try (ServerSocket socket = new ServerSocket(0)) {
			port = socket.getLocalPort();
		}
		RpcChannel channel = this.rpc.channel(RpcAddress.tcp("127.0.0.1", port), (builder) -> {
		});
		Echo echo = this.rpc.client(Echo.class, channel);
		assertThatExceptionOfType(RpcException.class).isThrownBy(() -> echo.echo("hello"))
			.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(RpcStatus.UNAVAILABLE));
		assertThat(channel.state()).isEqualTo(RpcChannel.State.TRANSIENT_FAILURE);
	}

	@Test
	void idleConnectionIsClosedByTheServerAndTheNextCallReconnects() {
		RpcServer server = this.rpc.server(RpcAddress.tcp("127.0.0.1", 0),
				(builder) -> builder.idleTimeout(Duration.ofMillis(200)), RpcFixture.definitions(new EchoService()));
		RpcChannel channel = this.rpc.channel(RpcFixture.address(server),
				(builder) -> builder.keepAlive(Duration.ZERO));
		Echo echo = this.rpc.client(Echo.class, channel);
		assertThat(echo.echo("one")).isEqualTo("one");
		await().atMost(Duration.ofSeconds(5)).until(() -> server.connectionCount() == 0);
		await().atMost(Duration.ofSeconds(5)).until(() -> channel.state() == RpcChannel.State.IDLE);
		assertThat(echo.echo("two")).isEqualTo("two");
		assertThat(server.connectionCount()).isEqualTo(1);
	}

	@Test
	void keepAlivePingsKeepAnIdleConnectionOpen() throws Exception {
		RpcServer server = this.rpc.server(RpcAddress.tcp("127.0.0.1", 0),
				(builder) -> builder.idleTimeout(Duration.ofMillis(1000)), RpcFixture.definitions(new EchoService()));
		RpcChannel channel = this.rpc.channel(RpcFixture.address(server),
				(builder) -> builder.keepAlive(Duration.ofMillis(100)));
		Echo echo = this.rpc.client(Echo.class, channel);
		assertThat(echo.echo("one")).isEqualTo("one");
		long since = server.connections().get(0).since();
		// The connection stays the same through more than two idle timeouts, checked all
		// along; ClientConnectionTimerTests checks the ping schedule on a fake clock.
		await().during(Duration.ofMillis(2500))
			.atMost(Duration.ofSeconds(10))
			.until(() -> server.connections().size() == 1 && server.connections().get(0).since() == since);
		assertThat(echo.echo("two")).isEqualTo("two");
		assertThat(server.connections()).singleElement().satisfies((connection) -> {
			assertThat(connection.since()).isEqualTo(since);
			assertThat(connection.calls()).isEqualTo(2);
		});
	}

	@Test
	void bindingAPortInUseFailsWithTheAddress() {
		RpcServer first = this.rpc.tcpServer(new EchoService());
		RpcAddress taken = RpcFixture.address(first);
		assertThatExceptionOfType(RpcServerBindException.class).isThrownBy(() -> this.rpc.server(taken, (builder) -> {
		}, RpcFixture.definitions(new EchoService()))).withMessageContaining(String.valueOf(first.port()));
		Echo echo = this.rpc.client(ClientDefinition.of(Echo.class, RpcFixture.TIMEOUT), this.rpc.channel(first));
		assertThat(echo.echo("still serving")).isEqualTo("still serving");
	}

	private Thread acceptInBackground(ServerSocket server, byte[] reply) {
		Thread thread = new Thread(() -> {
			try {
				Socket socket = server.accept();
				synchronized (this.accepted) {
					this.accepted.add(socket);
				}
				if (reply != null) {
					OutputStream out = socket.getOutputStream();
					out.write(reply);
					out.flush();
				}
			}
			catch (IOException ex) {
				// the test fails on its own assertions
			}
		}, "test-acceptor");
		thread.setDaemon(true);
		thread.start();
		return thread;
	}

	public interface Echo {

		String echo(String text);

	}

	static class EchoService implements Echo {

		@Override
		public String echo(String text) {
			return text;
		}

	}

}
