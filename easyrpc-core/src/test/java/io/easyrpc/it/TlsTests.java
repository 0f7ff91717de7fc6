package io.easyrpc.it;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import javax.net.ssl.SSLSession;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.easyrpc.RpcException;
import io.easyrpc.RpcStatus;
import io.easyrpc.client.RpcChannel;
import io.easyrpc.middleware.ConnectionDecision;
import io.easyrpc.middleware.ConnectionInfo;
import io.easyrpc.server.RpcServer;
import io.easyrpc.internal.transport.FrameConnection;
import io.easyrpc.transport.RpcAddress;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * TLS and mutual TLS over real sockets, with certificates made at test time.
 */
@ExtendWith(LeakDetectionExtension.class)
class TlsTests {

	private static final TestPki PKI = TestPki.create("main");

	private static final TestPki OTHER_PKI = TestPki.create("other");

	private final RpcFixture rpc = new RpcFixture();

	@AfterEach
	void close() {
		this.rpc.close();
	}

	@Test
	void callOverTlsSucceeds() {
		RpcServer server = tlsServer(PKI.serverContext());
		assertThat(server.isTls()).isTrue();
		RpcChannel channel = this.rpc.channel(RpcFixture.address(server),
				(builder) -> builder.sslContext(PKI.clientContext(false)));
		assertThat(channel.isTls()).isTrue();
		Echo echo = this.rpc.client(Echo.class, channel);
		assertThat(echo.echo("over TLS")).isEqualTo("over TLS");
		assertThat(echo.echo("x".repeat(40_000))).hasSize(40_000);
		assertThat(channel.state()).isEqualTo(RpcChannel.State.READY);
	}

	@Test
	void mutualTlsWithClientCertificateSucceeds() {
		RpcServer server = tlsServer(PKI.serverContext(ClientAuth.REQUIRE, PKI));
		Echo echo = client(server, PKI.clientContext(true));
		assertThat(echo.echo("mutual")).isEqualTo("mutual");
	}

	@Test
	void mutualTlsWithoutClientCertificateIsRefused() {
		RpcServer server = tlsServer(PKI.serverContext(ClientAuth.REQUIRE, PKI));
		Echo echo = client(server, PKI.clientContext(false));
		assertThatExceptionOfType(RpcException.class).isThrownBy(() -> echo.echo("no certificate"))
			.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(RpcStatus.UNAVAILABLE))
			.withMessageContaining("TLS handshake with " + RpcFixture.address(server) + " failed");
		assertThat(server.activeCalls()).isZero();
	}

	@Test
	void mutualTlsWithCertificateOfAnotherAuthorityIsRefused() {
		RpcServer server = tlsServer(PKI.serverContext(ClientAuth.REQUIRE, PKI));
		// Trusts the server, but presents a client certificate the server does not trust.
		SslContext context = clientContext(PKI, OTHER_PKI);
		Echo echo = client(server, context);
		assertThatExceptionOfType(RpcException.class).isThrownBy(() -> echo.echo("foreign certificate"))
			.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(RpcStatus.UNAVAILABLE))
			.withMessageContaining("TLS handshake");
	}

	@Test
	void clientTrustingAnotherAuthorityIsRefused() {
		RpcServer server = tlsServer(PKI.serverContext());
		Echo echo = client(server, OTHER_PKI.clientContext(false));
		assertThatExceptionOfType(RpcException.class).isThrownBy(() -> echo.echo("wrong CA"))
			.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(RpcStatus.UNAVAILABLE))
			.withMessageContaining("TLS handshake with " + RpcFixture.address(server) + " failed")
			.withMessageContaining("certification path");
	}

	@Test
	void serverNameThatTheCertificateDoesNotListIsRefused() {
		RpcServer server = tlsServer(PKI.serverContext());
		RpcChannel channel = this.rpc.channel(RpcFixture.address(server),
				(builder) -> builder.sslContext(PKI.clientContext(false)).sslServerName("rpc.example.org"));
		Echo echo = this.rpc.client(Echo.class, channel);
		assertThatExceptionOfType(RpcException.class).isThrownBy(() -> echo.echo("wrong name"))
			.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(RpcStatus.UNAVAILABLE))
			.withMessageContaining("TLS handshake")
			.withMessageContaining("rpc.example.org");
	}

	@Test
	void serverNameThatTheCertificateListsIsAccepted() {
		RpcServer server = tlsServer(PKI.serverContext());
		RpcChannel channel = this.rpc.channel(RpcFixture.address(server),
				(builder) -> builder.sslContext(PKI.clientContext(false)).sslServerName("localhost"));
		assertThat(this.rpc.client(Echo.class, channel).echo("by name")).isEqualTo("by name");
	}

	@Test
	void plainTextClientIsToldThatTheServerRequiresTls() {
		RpcServer server = tlsServer(PKI.serverContext());
		Echo echo = this.rpc.client(Echo.class, this.rpc.channel(server));
		assertThatExceptionOfType(RpcException.class).isThrownBy(() -> echo.echo("plain text"))
			.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(RpcStatus.UNAVAILABLE))
			.withMessageContaining("refused the connection")
			.withMessageContaining("requires TLS");
	}

	@Test
	void plainTextClientWithASharedSecretIsToldThatTheServerRequiresTls() {
		RpcServer server = this.rpc.server(RpcAddress.tcp("127.0.0.1", 0),
				(builder) -> builder.sslContext(PKI.serverContext()).sharedSecret("secret"),
				RpcFixture.definitions(new EchoService()));
		RpcChannel channel = this.rpc.channel(RpcFixture.address(server), (builder) -> builder.sharedSecret("secret"));
		assertThatExceptionOfType(RpcException.class).isThrownBy(() -> this.rpc.client(Echo.class, channel).echo("x"))
			.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(RpcStatus.UNAVAILABLE))
			.withMessageContaining("refused the connection")
			.withMessageContaining("requires TLS");
	}

	@Test
	void tlsClientToPlainTextServerIsRefused() {
		RpcServer server = this.rpc.tcpServer(new EchoService());
		Echo echo = client(server, PKI.clientContext(false));
		assertThatExceptionOfType(RpcException.class).isThrownBy(() -> echo.echo("TLS to plain text"))
			.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(RpcStatus.UNAVAILABLE))
			.withMessageContaining("TLS handshake with " + RpcFixture.address(server) + " failed")
			.withMessageContaining("not a TLS peer");
	}

	@Test
	void reloadedContextAppliesToNewConnectionsOnly() {
		AtomicReference<SslContext> current = new AtomicReference<>(PKI.serverContext());
		RpcServer server = this.rpc.server(RpcAddress.tcp("127.0.0.1", 0),
				(builder) -> builder.sslContextSupplier(current::get), RpcFixture.definitions(new EchoService()));
		Echo before = client(server, PKI.clientContext(false));
		assertThat(before.echo("first certificate")).isEqualTo("first certificate");
		current.set(OTHER_PKI.serverContext());
		Echo trustingNew = client(server, OTHER_PKI.clientContext(false));
		assertThat(trustingNew.echo("second certificate")).isEqualTo("second certificate");
		Echo trustingOld = client(server, PKI.clientContext(false));
		assertThatExceptionOfType(RpcException.class).isThrownBy(() -> trustingOld.echo("first certificate again"))
			.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(RpcStatus.UNAVAILABLE))
			.withMessageContaining("TLS handshake");
		// The connection made before the reload keeps its certificate and goes on.
		assertThat(before.echo("still connected")).isEqualTo("still connected");
		await().atMost(Duration.ofSeconds(5)).until(() -> server.connectionCount() == 2);
	}

	@Test
	void inProcessChannelsNeverUseTls() {
		String name = "tls-" + UUID.randomUUID();
		this.rpc.server(RpcAddress.inProcess(name), (builder) -> builder.sslContext(PKI.serverContext()),
				RpcFixture.definitions(new EchoService()));
		RpcChannel channel = this.rpc.channel(RpcAddress.inProcess(name),
				(builder) -> builder.sslContext(PKI.clientContext(false)));
		assertThat(channel.isTls()).isFalse();
		assertThat(this.rpc.client(Echo.class, channel).echo("in process")).isEqualTo("in process");
	}

	@Test
	void failedHandshakeIsLoggedOnceWithoutStackTrace() {
		Logger logger = (Logger) LoggerFactory.getLogger(FrameConnection.class);
		ListAppender<ILoggingEvent> appender = new ListAppender<>();
		appender.start();
		logger.addAppender(appender);
		Level level = logger.getLevel();
		logger.setLevel(Level.DEBUG);
		try {
			RpcServer server = tlsServer(PKI.serverContext(ClientAuth.REQUIRE, PKI));
			Echo echo = client(server, PKI.clientContext(false));
			assertThatExceptionOfType(RpcException.class).isThrownBy(() -> echo.echo("refused"));
			this.rpc.close();
		}
		finally {
			logger.detachAppender(appender);
			logger.setLevel(level);
		}
		List<ILoggingEvent> tlsLines = appender.list.stream()
			.filter((event) -> event.getFormattedMessage().contains("TLS"))
			.toList();
		assertThat(tlsLines).allSatisfy((event) -> assertThat(event.getThrowableProxy()).isNull());
		assertThat(tlsLines).filteredOn((event) -> event.getLevel() == Level.WARN)
			.singleElement()
			.satisfies((event) -> assertThat(event.getFormattedMessage()).startsWith("TLS with /127.0.0.1:")
				.contains("certificate"));
	}

	@Test
	void serverRefusesClientContext() {
		assertThatIllegalArgumentException().isThrownBy(() -> RpcServer.builder().sslContext(PKI.clientContext(false)))
			.withMessageContaining("server TLS context");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> RpcChannel.builder(RpcAddress.tcp("127.0.0.1", 1)).sslContext(PKI.serverContext()))
			.withMessageContaining("client TLS context");
	}

	@Test
	void connectionMiddlewareSeesTheTlsSessionWithTheClientCertificate() {
		List<ConnectionInfo> seen = new CopyOnWriteArrayList<>();
		RpcServer server = this.rpc.server(RpcAddress.tcp("127.0.0.1", 0),
				(builder) -> builder.sslContext(PKI.serverContext(ClientAuth.REQUIRE, PKI))
					.connectionMiddleware((info) -> {
						seen.add(info);
						return ConnectionDecision.accept();
					}),
				RpcFixture.definitions(new EchoService()));
		Echo echo = client(server, PKI.clientContext(true));
		assertThat(echo.echo("admitted over TLS")).isEqualTo("admitted over TLS");
		assertThat(seen).singleElement().satisfies((info) -> {
			SSLSession session = info.sslSession();
			assertThat(session).isNotNull();
			assertThat(session.getProtocol()).startsWith("TLS");
			assertThat(session.getPeerPrincipal().getName()).contains("CN=client");
		});
	}

	@Test
	void connectionMiddlewareCanRefuseByTheTlsSession() {
		List<ConnectionInfo> seen = new CopyOnWriteArrayList<>();
		RpcServer server = this.rpc.server(RpcAddress.tcp("127.0.0.1", 0),
				(builder) -> builder.sslContext(PKI.serverContext()).connectionMiddleware((info) -> {
					seen.add(info);
					return (info.sslSession() != null)
							? ConnectionDecision.reject(RpcStatus.PERMISSION_DENIED,
									"No client certificate on " + info.sslSession().getProtocol(), "no-certificate")
							: ConnectionDecision.accept();
				}), RpcFixture.definitions(new EchoService()));
		Echo echo = client(server, PKI.clientContext(false));
		assertThatExceptionOfType(RpcException.class).isThrownBy(() -> echo.echo("refused"))
			.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(RpcStatus.PERMISSION_DENIED))
			.withMessageContaining("No client certificate on TLS");
		assertThat(seen).singleElement().satisfies((info) -> assertThat(info.sslSession()).isNotNull());
	}

	@Test
	void sharedSecretAndConnectionMiddlewareWorkOverTls() {
		List<ConnectionInfo> seen = new CopyOnWriteArrayList<>();
		RpcServer server = this.rpc.server(RpcAddress.tcp("127.0.0.1", 0),
				(builder) -> builder.sslContext(PKI.serverContext())
					.sharedSecret("tls and secret")
					.connectionMiddleware((info) -> {
						seen.add(info);
						return ConnectionDecision.accept();
					}),
				RpcFixture.definitions(new EchoService()));
		RpcChannel good = this.rpc.channel(RpcFixture.address(server),
				(builder) -> builder.sslContext(PKI.clientContext(false)).sharedSecret("tls and secret"));
		assertThat(this.rpc.client(Echo.class, good).echo("both")).isEqualTo("both");
		assertThat(good.state()).isEqualTo(RpcChannel.State.READY);
		RpcChannel wrong = this.rpc.channel(RpcFixture.address(server),
				(builder) -> builder.sslContext(PKI.clientContext(false)).sharedSecret("another secret"));
		assertThatExceptionOfType(RpcException.class)
			.isThrownBy(() -> this.rpc.client(Echo.class, wrong).echo("wrong secret"))
			.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(RpcStatus.UNAUTHENTICATED))
			.withMessageContaining("refused the shared secret");
		RpcChannel none = this.rpc.channel(RpcFixture.address(server),
				(builder) -> builder.sslContext(PKI.clientContext(false)));
		assertThatExceptionOfType(RpcException.class).isThrownBy(() -> this.rpc.client(Echo.class, none).echo("none"))
			.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(RpcStatus.UNAUTHENTICATED))
			.withMessageContaining("requires a shared secret");
		await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == 3);
		assertThat(seen).allSatisfy((info) -> assertThat(info.sslSession()).isNotNull());
	}

	private RpcServer tlsServer(SslContext context) {
		return this.rpc.server(RpcAddress.tcp("127.0.0.1", 0), (builder) -> builder.sslContext(context),
				RpcFixture.definitions(new EchoService()));
	}

	private Echo client(RpcServer server, SslContext context) {
		RpcChannel channel = this.rpc.channel(RpcFixture.address(server), (builder) -> builder.sslContext(context));
		return this.rpc.client(Echo.class, channel);
	}

	private static SslContext clientContext(TestPki trusted, TestPki certificate) {
		try {
			return io.netty.handler.ssl.SslContextBuilder.forClient()
				.trustManager(trusted.ca().toTrustManagerFactory())
				.keyManager(certificate.client().toKeyManagerFactory())
				.build();
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
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
