package io.easyrpc.it;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

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
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * What clients see when their server stops, drains, is down, and comes back.
 */
@ExtendWith(LeakDetectionExtension.class)
class ServerLifecycleTests {

	private final RpcFixture rpc = new RpcFixture();

	private final Gate gate = new Gate();

	@AfterEach
	void close() {
		this.gate.release.countDown();
		this.rpc.close();
	}

	private RpcChannel channel(int port) {
		return this.rpc.channel(RpcAddress.tcp("127.0.0.1", port),
				(builder) -> builder.initialBackoff(Duration.ofMillis(20)).maxBackoff(Duration.ofMillis(100)));
	}

	@Test
	void pendingCallsFailWhenTheServerStopsAndCallsSucceedAgainAfterARestartOnTheSamePort() throws Exception {
		RpcServer server = this.rpc.tcpServer(this.gate);
		int port = server.port();
		RpcChannel channel = channel(port);
		Gated gated = this.rpc.client(Gated.class, channel);
		assertThat(gated.ping("before")).isEqualTo("before");

		CompletableFuture<String> pending = gated.await();
		assertThat(this.gate.entered.await(5, TimeUnit.SECONDS)).isTrue();
		server.stop(Duration.ofMillis(100));
		assertThatThrownBy(() -> pending.get(5, TimeUnit.SECONDS)).cause()
			.isInstanceOfSatisfying(RpcException.class,
					(ex) -> assertThat(ex.getStatus()).isEqualTo(RpcStatus.UNAVAILABLE));

		// Each call fails fast: one that waited for a connection until its deadline would
		// fail with DEADLINE_EXCEEDED instead.
		for (int i = 0; i < 5; i++) {
			assertThatExceptionOfType(RpcException.class).isThrownBy(() -> gated.ping("down"))
				.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(RpcStatus.UNAVAILABLE));
		}

		RpcServer restarted = this.rpc.server(RpcAddress.tcp("127.0.0.1", port), (builder) -> {
		}, RpcFixture.definitions(new Gate()));
		assertThat(restarted.port()).isEqualTo(port);
		await().atMost(Duration.ofSeconds(10))
			.pollInterval(Duration.ofMillis(20))
			.ignoreException(RpcException.class)
			.until(() -> gated.ping("after"), "after"::equals);
		assertThat(channel.state()).isEqualTo(RpcChannel.State.READY);
	}

	@Test
	void stoppedServerCanBeStartedAgain() throws Exception {
		int port = freePort();
		RpcServer server = this.rpc.server(RpcAddress.tcp("127.0.0.1", port), (builder) -> {
		}, RpcFixture.definitions(this.gate));
		RpcChannel channel = channel(port);
		Gated gated = this.rpc.client(Gated.class, channel);
		assertThat(gated.ping("first")).isEqualTo("first");
		server.stop(Duration.ofSeconds(1));
		assertThat(server.isRunning()).isFalse();
		server.start();
		assertThat(server.port()).isEqualTo(port);
		await().atMost(Duration.ofSeconds(10))
			.pollInterval(Duration.ofMillis(20))
			.ignoreException(RpcException.class)
			.until(() -> gated.ping("second"), "second"::equals);
	}

	@Test
	void callInFlightWhenDrainingBeginsCompletesAndNewCallsAreRefused() throws Exception {
		RpcServer server = this.rpc.tcpServer(this.gate);
		RpcChannel channel = channel(server.port());
		Gated gated = this.rpc.client(Gated.class, channel);
		CompletableFuture<String> inFlight = gated.await();
		assertThat(this.gate.entered.await(5, TimeUnit.SECONDS)).isTrue();

		CompletableFuture<Void> stopped = CompletableFuture.runAsync(() -> server.stop(Duration.ofSeconds(10)));
		await().atMost(Duration.ofSeconds(5)).until(server::isDraining);
		assertThatExceptionOfType(RpcException.class).isThrownBy(() -> gated.ping("during"))
			.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(RpcStatus.UNAVAILABLE));
		assertThat(inFlight).isNotDone();
		assertThat(stopped).isNotDone();

		this.gate.release.countDown();
		assertThat(inFlight.get(5, TimeUnit.SECONDS)).isEqualTo("opened");
		stopped.get(5, TimeUnit.SECONDS);
		assertThat(server.activeCalls()).isZero();
	}

	@Test
	void newCallOnTheDrainingConnectionIsRefusedBeforeTheClientSeesGoAway() throws Exception {
		RpcServer server = this.rpc.tcpServer(this.gate);
		try (RawConnection raw = new RawConnection(server.port())) {
			raw.sendPreface(1024 * 1024);
			raw.readPreface();
			raw.sendRequest(1, "Gated.await", null, (packer) -> packer.packArrayHeader(0));
			assertThat(this.gate.entered.await(5, TimeUnit.SECONDS)).isTrue();
			CompletableFuture<Void> stopped = CompletableFuture.runAsync(() -> server.stop(Duration.ofSeconds(10)));
			await().atMost(Duration.ofSeconds(5)).until(server::isDraining);
			raw.sendRequest(2, "Gated.ping", null, (packer) -> {
				packer.packArrayHeader(1);
				packer.packString("during");
			});
			assertThat(raw.readFrame()).isInstanceOfSatisfying(io.easyrpc.internal.protocol.Frame.GoAway.class,
					(goAway) -> assertThat(goAway.statusCode()).isEqualTo(RpcStatus.UNAVAILABLE.code()));
			assertThat(raw.readFrame()).isInstanceOfSatisfying(io.easyrpc.internal.protocol.Frame.Error.class,
					(error) -> {
						assertThat(error.callId()).isEqualTo(2);
						assertThat(error.statusCode()).isEqualTo(RpcStatus.UNAVAILABLE.code());
					});
			this.gate.release.countDown();
			assertThat(raw.readFrame()).isInstanceOfSatisfying(io.easyrpc.internal.protocol.Frame.Response.class,
					(response) -> assertThat(response.callId()).isEqualTo(1));
			stopped.get(5, TimeUnit.SECONDS);
			assertThat(raw.awaitClosedByServer()).isTrue();
		}
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	public interface Gated {

		String ping(String text);

		CompletableFuture<String> await();

	}

	static class Gate implements Gated {

		final CountDownLatch entered = new CountDownLatch(1);

		final CountDownLatch release = new CountDownLatch(1);

		@Override
		public String ping(String text) {
			return text;
		}

		@Override
		public CompletableFuture<String> await() {
			this.entered.countDown();
			try {
				if (!this.release.await(10, TimeUnit.SECONDS)) {
					return CompletableFuture.completedFuture("timed out");
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			return CompletableFuture.completedFuture("opened");
		}

	}

}
