package io.easyrpc.it;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import ch.qos.logback.classic.Level;
import io.easyrpc.RpcException;
import io.easyrpc.RpcStatus;
import io.easyrpc.client.RpcChannel;
import io.easyrpc.middleware.CallInfo;
import io.easyrpc.middleware.CallObservation;
import io.easyrpc.middleware.ConnectionDecision;
import io.easyrpc.middleware.ConnectionInfo;
import io.easyrpc.middleware.ConnectionLimit;
import io.easyrpc.middleware.ConnectionMiddleware;
import io.easyrpc.middleware.IpFilter;
import io.easyrpc.middleware.PerIpConnectionLimit;
import io.easyrpc.middleware.ServerCallObserver;
import io.easyrpc.server.RpcServer;
import io.easyrpc.transport.RpcAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Connection middleware over real sockets: the built-in limits and IP filter, the status
 * a refused client sees, ordering, failures and the pairing of accept and close. Clients
 * bound to 127.0.0.2 are a second peer: Linux routes all of 127.0.0.0/8 to the loopback
 * interface.
 */
@ExtendWith(LeakDetectionExtension.class)
class ConnectionMiddlewareTests {

	@RegisterExtension
	final ExpectedLogs logs = new ExpectedLogs();

	private static final Duration WAIT = Duration.ofSeconds(10);

	private final RpcFixture rpc = new RpcFixture();

	private final EchoService service = new EchoService();

	private final List<ConnectionDecision> rejections = new CopyOnWriteArrayList<>();

	@AfterEach
	void close() {
		this.rpc.close();
	}

	@Test
	void connectionOverTheLimitIsRefusedWithResourceExhaustedUntilAConnectionCloses() {
		ConnectionLimit limit = new ConnectionLimit(1);
		RpcServer server = server(limit);
		RpcChannel first = channel(server, "127.0.0.1");
		assertThat(echo(first).echo("one")).isEqualTo("one");
		Echo second = echo(channel(server, "127.0.0.1"));
		assertThatExceptionOfType(RpcException.class).isThrownBy(() -> second.echo("two"))
			.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(RpcStatus.RESOURCE_EXHAUSTED))
			.withMessageContaining("limit of 1 connections");
		assertThat(this.rejections).singleElement()
			.satisfies((decision) -> assertThat(decision.reason()).isEqualTo(ConnectionLimit.REASON));
		first.close();
		await().atMost(WAIT).until(() -> limit.openConnections() == 0);
		// The refusal was a failed connection attempt: the client connects again once its
		// back-off has passed.
		await().atMost(WAIT)
			.ignoreExceptionsInstanceOf(RpcException.class)
			.until(() -> "three".equals(second.echo("three")));
		assertThat(this.service.calls).hasValue(2);
	}

	@Test
	void blockTimeKeepsRefusingConnectionsAfterASlotIsFree() {
		ConnectionLimit limit = new ConnectionLimit(1, Duration.ofMinutes(10));
		RpcServer server = server(limit);
		RpcChannel first = channel(server, "127.0.0.1");
		assertThat(echo(first).echo("one")).isEqualTo("one");
		Echo second = echo(channel(server, "127.0.0.1"));
		assertThatExceptionOfType(RpcException.class).isThrownBy(() -> second.echo("two"))
			.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(RpcStatus.RESOURCE_EXHAUSTED));
		first.close();
		await().atMost(WAIT).until(() -> limit.openConnections() == 0 && server.connectionCount() == 0);
		Echo third = echo(channel(server, "127.0.0.1"));
		assertThatExceptionOfType(RpcException.class).isThrownBy(() -> third.echo("three"))
			.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(RpcStatus.RESOURCE_EXHAUSTED))
			.withMessageContaining("refuses new ones for another");
		assertThat(limit.openConnections()).isZero();
		assertThat(this.rejections).hasSize(2)
			.allSatisfy((decision) -> assertThat(decision.reason()).isEqualTo(ConnectionLimit.REASON));
		assertThat(this.service.calls).hasValue(1);
	}

	@Test
	void perIpLimitRefusesASecondConnectionFromTheSameAddressOnly() throws Exception {
		PerIpConnectionLimit limit = new PerIpConnectionLimit(1);
		RpcServer server = server(limit);
		RpcChannel first = channel(server, "127.0.0.1");
		assertThat(echo(first).echo("one")).isEqualTo("one");
		Echo sameAddress = echo(channel(server, "127.0.0.1"));
		assertThatExceptionOfType(RpcException.class).isThrownBy(() -> sameAddress.echo("two"))
			.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(RpcStatus.RESOURCE_EXHAUSTED))
			.withMessageContaining("127.0.0.1");
		assertThat(echo(channel(server, "127.0.0.2")).echo("other peer")).isEqualTo("other peer");
		assertThat(this.rejections).singleElement()
			.satisfies((decision) -> assertThat(decision.reason()).isEqualTo(PerIpConnectionLimit.REASON));
		first.close();
		InetAddress loopback = InetAddress.getByName("127.0.0.1");
		await().atMost(WAIT).until(() -> limit.openConnections(loopback) == 0);
		await().atMost(WAIT)
			.ignoreExceptionsInstanceOf(RpcException.class)
			.until(() -> "three".equals(sameAddress.echo("three")));
	}

	@Test
	void allowListAcceptsOnlyPeersInItsRanges() {
		RpcServer server = server(IpFilter.allow("127.0.0.2/31"));
		assertThat(echo(channel(server, "127.0.0.2")).echo("allowed")).isEqualTo("allowed");
		Echo outside = echo(channel(server, "127.0.0.1"));
		assertThatExceptionOfType(RpcException.class).isThrownBy(() -> outside.echo("refused"))
			.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(RpcStatus.PERMISSION_DENIED))
			.withMessageContaining("127.0.0.1");
		assertThat(this.rejections).singleElement()
			.satisfies((decision) -> assertThat(decision.reason()).isEqualTo(IpFilter.REASON));
		assertThat(this.service.calls).hasValue(1);
	}

	@Test
	void blockListRefusesPeersInItsRanges() {
		RpcServer server = server(IpFilter.block("127.0.0.2/31"));
		assertThat(echo(channel(server, "127.0.0.1")).echo("allowed")).isEqualTo("allowed");
		Echo blocked = echo(channel(server, "127.0.0.2"));
		assertThatExceptionOfType(RpcException.class).isThrownBy(() -> blocked.echo("refused"))
			.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(RpcStatus.PERMISSION_DENIED));
	}

	@Test
	void blockListWinsOverAllowList() {
		RpcServer server = server(new IpFilter(List.of("127.0.0.0/8"), List.of("127.0.0.2")));
		assertThat(echo(channel(server, "127.0.0.1")).echo("allowed")).isEqualTo("allowed");
		Echo blocked = echo(channel(server, "127.0.0.2"));
		assertThatExceptionOfType(RpcException.class).isThrownBy(() -> blocked.echo("refused"))
			.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(RpcStatus.PERMISSION_DENIED));
	}

	@Test
	void inProcessConnectionsPassTheIpFilterAndThePerIpLimit() {
		RpcAddress address = RpcAddress.inProcess("filtered-" + UUID.randomUUID());
		PerIpConnectionLimit perIp = new PerIpConnectionLimit(1);
		RpcServer server = this.rpc.server(address,
				(builder) -> builder.connectionMiddleware(List.of(IpFilter.allow("10.0.0.0/8"), perIp)),
				RpcFixture.definitions(this.service));
		assertThat(echo(this.rpc.channel(address, (builder) -> {
		})).echo("one")).isEqualTo("one");
		assertThat(echo(this.rpc.channel(address, (builder) -> {
		})).echo("two")).isEqualTo("two");
		assertThat(server.connectionCount()).isEqualTo(2);
	}

	@Test
	void middlewareAreAskedInOrderAndTheFirstRefusalWins() {
		List<String> asked = new CopyOnWriteArrayList<>();
		Recording first = new Recording("first", asked, ConnectionDecision.accept());
		Recording refusing = new Recording("refusing", asked,
				ConnectionDecision.reject(RpcStatus.UNAUTHENTICATED, "Not today", "test"));
		Recording last = new Recording("last", asked, ConnectionDecision.accept());
		RpcServer server = server(first, refusing, last);
		Echo echo = echo(channel(server, "127.0.0.1"));
		assertThatExceptionOfType(RpcException.class).isThrownBy(() -> echo.echo("refused"))
			.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(RpcStatus.UNAUTHENTICATED))
			.withMessageContaining("Not today");
		assertThat(asked).containsExactly("first", "refusing");
		await().atMost(WAIT).until(() -> first.closes.get() == 1);
		assertThat(refusing.closes).hasValue(0);
		assertThat(last.connects).hasValue(0);
		assertThat(this.service.calls).hasValue(0);
	}

	@Test
	void throwingMiddlewareRefusesTheConnectionWithInternal() {
		this.logs.expect("io.easyrpc.internal.server.ConnectionAdmission", Level.WARN, "connection middleware");
		Recording before = new Recording("before", new CopyOnWriteArrayList<>(), ConnectionDecision.accept());
		ConnectionMiddleware failing = (connection) -> {
			throw new IllegalStateException("middleware bug");
		};
		RpcServer server = server(before, failing);
		Echo echo = echo(channel(server, "127.0.0.1"));
		assertThatExceptionOfType(RpcException.class).isThrownBy(() -> echo.echo("refused"))
			.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(RpcStatus.INTERNAL))
			.satisfies((ex) -> assertThat(ex.getMessage()).doesNotContain("middleware bug"));
		assertThat(this.rejections).singleElement()
			.satisfies((decision) -> assertThat(decision.status()).isEqualTo(RpcStatus.INTERNAL));
		await().atMost(WAIT).until(() -> before.closes.get() == 1);
		assertThat(this.service.calls).hasValue(0);
	}

	@Test
	void middlewareWithoutADecisionRefusesTheConnectionWithInternal() {
		RpcServer server = server((connection) -> null);
		Echo echo = echo(channel(server, "127.0.0.1"));
		assertThatExceptionOfType(RpcException.class).isThrownBy(() -> echo.echo("refused"))
			.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(RpcStatus.INTERNAL));
		assertThat(this.rejections).singleElement()
			.satisfies((decision) -> assertThat(decision.reason()).isEqualTo("connection-middleware-error"));
		assertThat(this.service.calls).hasValue(0);
	}

	@Test
	void acceptedConnectionIsClosedOnceWithTheInfoItWasAcceptedWith() {
		Recording recording = new Recording("recording", new CopyOnWriteArrayList<>(), ConnectionDecision.accept());
		RpcServer server = server(recording);
		RpcChannel channel = channel(server, "127.0.0.2");
		assertThat(echo(channel).echo("one")).isEqualTo("one");
		assertThat(echo(channel).echo("two")).isEqualTo("two");
		assertThat(recording.connects).hasValue(1);
		assertThat(recording.seen).singleElement().satisfies((info) -> {
			assertThat(info.remoteAddress()).isInstanceOfSatisfying(InetSocketAddress.class,
					(peer) -> assertThat(peer.getAddress().getHostAddress()).isEqualTo("127.0.0.2"));
			assertThat(info.localAddress()).isInstanceOfSatisfying(InetSocketAddress.class,
					(local) -> assertThat(local.getPort()).isEqualTo(server.port()));
			assertThat(info.sslSession()).isNull();
			assertThat(info.isLocal()).isTrue();
		});
		channel.close();
		await().atMost(WAIT).until(() -> recording.closes.get() == 1);
		assertThat(recording.closed).containsExactlyElementsOf(recording.seen);
		server.stop(Duration.ZERO);
		assertThat(recording.closes).hasValue(1);
	}

	@Test
	void connectionsStillOpenWhenTheServerStopsAreClosedOnce() {
		Recording recording = new Recording("recording", new CopyOnWriteArrayList<>(), ConnectionDecision.accept());
		RpcServer server = server(recording);
		assertThat(echo(channel(server, "127.0.0.1")).echo("one")).isEqualTo("one");
		assertThat(echo(channel(server, "127.0.0.1")).echo("two")).isEqualTo("two");
		server.stop(Duration.ZERO);
		await().atMost(WAIT).until(() -> recording.closes.get() == 2);
		assertThat(recording.connects).hasValue(2);
	}

	private RpcServer server(ConnectionMiddleware... middleware) {
		ServerCallObserver observer = new ServerCallObserver() {

			@Override
			public CallObservation start(CallInfo call) {
				return null;
			}

			@Override
			public void connectionRejected(ConnectionInfo connection, ConnectionDecision decision) {
				ConnectionMiddlewareTests.this.rejections.add(decision);
			}

		};
		return this.rpc.server(RpcAddress.tcp("127.0.0.1", 0),
				(builder) -> builder.connectionMiddleware(List.of(middleware)).observer(observer),
				RpcFixture.definitions(this.service));
	}

	private RpcChannel channel(RpcServer server, String localAddress) {
		return this.rpc.channel(RpcFixture.address(server), (builder) -> builder
			.bootstrapCustomizer((bootstrap) -> bootstrap.localAddress(new InetSocketAddress(localAddress, 0))));
	}

	private Echo echo(RpcChannel channel) {
		return this.rpc.client(Echo.class, channel);
	}

	public interface Echo {

		String echo(String text);

	}

	static class EchoService implements Echo {

		final AtomicInteger calls = new AtomicInteger();

		@Override
		public String echo(String text) {
			this.calls.incrementAndGet();
			return text;
		}

	}

	static final class Recording implements ConnectionMiddleware {

		private final String name;

		private final List<String> asked;

		private final ConnectionDecision decision;

		final AtomicInteger connects = new AtomicInteger();

		final AtomicInteger closes = new AtomicInteger();

		final List<ConnectionInfo> seen = new CopyOnWriteArrayList<>();

		final List<ConnectionInfo> closed = new CopyOnWriteArrayList<>();

		Recording(String name, List<String> asked, ConnectionDecision decision) {
			this.name = name;
			this.asked = asked;
			this.decision = decision;
		}

		@Override
		public ConnectionDecision onConnect(ConnectionInfo connection) {
			this.asked.add(this.name);
			this.connects.incrementAndGet();
			this.seen.add(connection);
			return this.decision;
		}

		@Override
		public void onClose(ConnectionInfo connection) {
			this.closes.incrementAndGet();
			this.closed.add(connection);
		}

	}

}
