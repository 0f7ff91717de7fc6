package io.easyrpc.it;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.easyrpc.RpcException;
import io.easyrpc.RpcStatus;
import io.easyrpc.client.RpcChannel;
import io.easyrpc.middleware.CallInfo;
import io.easyrpc.middleware.CallObservation;
import io.easyrpc.middleware.ServerCallObserver;
import io.easyrpc.internal.protocol.Frame;
import io.easyrpc.internal.protocol.FrameCodec;
import io.easyrpc.internal.protocol.Metadata;
import io.easyrpc.internal.protocol.Preface;
import io.easyrpc.internal.protocol.SharedSecret;
import io.easyrpc.server.RpcServer;
import io.easyrpc.transport.RpcAddress;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Shared-secret authentication at connection start, over real sockets: the right secret
 * is let in, everything else is refused with {@code UNAUTHENTICATED} before a single
 * method runs, a recorded handshake cannot be replayed, and the client notices a server
 * that does not check the secret or cannot prove that it knows it.
 */
@ExtendWith(LeakDetectionExtension.class)
class SharedSecretAuthenticationTests {

	private static final String SECRET = "correct horse battery staple " + UUID.randomUUID();

	private final RpcFixture rpc = new RpcFixture();

	private final CountingCounter counter = new CountingCounter();

	private final RecordingObserver observer = new RecordingObserver();

	private final List<Socket> accepted = new CopyOnWriteArrayList<>();

	private final LogCollector serverLog = new LogCollector();

	@BeforeEach
	void captureServerLog() {
		this.serverLog.start();
		serverLogger().addAppender(this.serverLog);
	}

	@AfterEach
	void close() throws IOException {
		serverLogger().detachAppender(this.serverLog);
		for (Socket socket : this.accepted) {
			socket.close();
		}
		this.rpc.close();
	}

	private static Logger serverLogger() {
		return (Logger) LoggerFactory.getLogger("io.easyrpc.internal.server.ServerConnection");
	}

	@Test
	void clientWithTheRightSecretIsServed() throws Exception {
		RpcServer server = server(SECRET);
		assertThat(server.requiresAuthentication()).isTrue();
		Counter client = client(server, (builder) -> builder.sharedSecret(SECRET));
		assertThat(client.increment(2)).isEqualTo(2);
		assertThat(client.incrementAsync(3).get(10, TimeUnit.SECONDS)).isEqualTo(5);
		assertThat(server.connectionCount()).isEqualTo(1);
		assertThat(this.observer.rejections).isEmpty();
	}

	@Test
	void secretGivenAsBytesMatchesTheSameSecretGivenAsText() {
		RpcServer server = this.rpc.server(RpcAddress.tcp("127.0.0.1", 0),
				(builder) -> builder.sharedSecret(SECRET.getBytes(StandardCharsets.UTF_8)),
				RpcFixture.definitions(this.counter));
		assertThat(client(server, (builder) -> builder.sharedSecret(SECRET)).increment(1)).isEqualTo(1);
	}

	@Test
	void inProcessClientAuthenticatesLikeATcpClient() {
		RpcAddress address = RpcAddress.inProcess("secret-" + UUID.randomUUID());
		this.rpc.server(address, (builder) -> builder.sharedSecret(SECRET), RpcFixture.definitions(this.counter));
		RpcChannel good = this.rpc.channel(address, (builder) -> builder.sharedSecret(SECRET));
		assertThat(this.rpc.client(Counter.class, good).increment(4)).isEqualTo(4);
		RpcChannel bad = this.rpc.channel(address, (builder) -> builder.sharedSecret("not " + SECRET));
		assertUnauthenticated(() -> this.rpc.client(Counter.class, bad).increment(1), "refused the shared secret");
		assertThat(this.counter.calls()).isEqualTo(1);
	}

	@Test
	void wrongSecretFailsCallsWithUnauthenticatedAndRunsNothing() {
		RpcServer server = server(SECRET);
		Counter client = client(server, (builder) -> builder.sharedSecret("not " + SECRET));
		assertUnauthenticated(() -> client.increment(1), "refused the shared secret");
		assertThat(this.counter.calls()).isZero();
		assertThat(this.observer.started.get()).isZero();
		await().atMost(Duration.ofSeconds(10)).until(() -> server.connectionCount() == 0);
		assertThat(this.observer.rejections).containsExactly("unauthenticated");
	}

	@Test
	void refusedSecretIsNotRetriedBeforeTheBackOffHasPassed() {
		RpcServer server = server(SECRET);
		RpcChannel channel = this.rpc.channel(RpcFixture.address(server),
				(builder) -> builder.sharedSecret("not " + SECRET).initialBackoff(Duration.ofMinutes(1)));
		Counter client = this.rpc.client(Counter.class, channel);
		assertUnauthenticated(() -> client.increment(1), "refused the shared secret");
		for (int i = 0; i < 20; i++) {
			assertUnauthenticated(() -> client.increment(1), "next attempt in");
		}
		assertThat(channel.state()).isEqualTo(RpcChannel.State.TRANSIENT_FAILURE);
		assertThat(this.observer.rejections).containsExactly("unauthenticated");
		assertThat(this.counter.calls()).isZero();
	}

	@Test
	void clientWithoutSecretIsRefusedWithUnauthenticated() {
		RpcServer server = server(SECRET);
		Counter client = client(server, (builder) -> {
		});
		assertUnauthenticated(() -> client.increment(1), "requires a shared secret");
		assertThat(this.counter.calls()).isZero();
		assertThat(this.observer.started.get()).isZero();
	}

	@Test
	void clientWithSecretRefusesAServerThatDoesNotAskForIt() {
		RpcServer server = this.rpc.server(RpcAddress.tcp("127.0.0.1", 0), (builder) -> builder.observer(this.observer),
				RpcFixture.definitions(this.counter));
		assertThat(server.requiresAuthentication()).isFalse();
		Counter client = client(server, (builder) -> builder.sharedSecret(SECRET));
		assertUnauthenticated(() -> client.increment(1), "did not ask for authentication");
		assertThat(this.counter.calls()).isZero();
		assertThat(this.observer.started.get()).isZero();
	}

	@Test
	void clientRefusesAServerThatCannotProveItKnowsTheSecret() throws Exception {
		try (ServerSocket impostor = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
			CompletableFuture<Frame> goAway = new CompletableFuture<>();
			Thread thread = new Thread(() -> impersonate(impostor, goAway), "test-impostor");
			thread.setDaemon(true);
			thread.start();
			RpcChannel channel = this.rpc.channel(RpcAddress.tcp("127.0.0.1", impostor.getLocalPort()),
					(builder) -> builder.sharedSecret(SECRET));
			Counter client = this.rpc.client(Counter.class, channel);
			assertUnauthenticated(() -> client.increment(1), "could not prove that it knows the shared secret");
			assertThat(goAway.get(10, TimeUnit.SECONDS)).isInstanceOfSatisfying(Frame.GoAway.class,
					(frame) -> assertThat(frame.statusCode()).isEqualTo(RpcStatus.UNAUTHENTICATED.code()));
		}
	}

	// Accepts one connection, asks for authentication, takes whatever proof comes and
	// answers AUTH_OK with a proof made without the secret.
	private void impersonate(ServerSocket impostor, CompletableFuture<Frame> received) {
		try {
			Socket socket = impostor.accept();
			this.accepted.add(socket);
			socket.setSoTimeout(10_000);
			OutputStream out = socket.getOutputStream();
			DataInputStream in = new DataInputStream(socket.getInputStream());
			ByteBuf hello = Unpooled.buffer();
			new Preface(Preface.CURRENT_VERSION, Preface.FLAG_AUTH, 1024 * 1024).writeTo(hello);
			writeAndRelease(out, hello);
			writeFrameAndRelease(out,
					FrameCodec.encodeAuthChallenge(UnpooledByteBufAllocator.DEFAULT, SharedSecret.newNonce()));
			in.readFully(new byte[Preface.LENGTH]);
			assertThat(readFrame(in)).isInstanceOf(Frame.AuthResponse.class);
			writeFrameAndRelease(out,
					FrameCodec.encodeAuthOk(UnpooledByteBufAllocator.DEFAULT, new byte[SharedSecret.PROOF_LENGTH]));
			received.complete(readFrame(in));
		}
		catch (IOException | RuntimeException | AssertionError ex) {
			received.completeExceptionally(ex);
		}
	}

	@Test
	void handshakeRecordedOnOneConnectionIsRefusedOnAnother() throws Exception {
		RpcServer server = server(SECRET);
		SharedSecret secret = SharedSecret.of(SECRET);
		byte[] recorded;
		try (RawConnection first = new RawConnection(server.port())) {
			first.sendPreface(1024 * 1024);
			assertThat(first.readPreface().requiresAuthentication()).isTrue();
			Frame.AuthChallenge challenge = (Frame.AuthChallenge) first.readFrame();
			byte[] clientNonce = SharedSecret.newNonce();
			ByteBuf response = FrameCodec.encodeAuthResponse(UnpooledByteBufAllocator.DEFAULT, clientNonce,
					secret.clientProof(challenge.nonce(), clientNonce));
			recorded = ByteBufUtil.getBytes(response);
			response.release();
			first.send(Unpooled.wrappedBuffer(recorded));
			assertThat(first.readFrame()).isInstanceOfSatisfying(Frame.AuthOk.class,
					(ok) -> assertThat(secret.isValidServerProof(challenge.nonce(), clientNonce, ok.proof())).isTrue());
		}
		try (RawConnection replay = new RawConnection(server.port())) {
			replay.sendPreface(1024 * 1024);
			replay.readPreface();
			assertThat(replay.readFrame()).isInstanceOf(Frame.AuthChallenge.class);
			replay.send(Unpooled.wrappedBuffer(recorded));
			assertGoAway(replay.readFrame(), RpcStatus.UNAUTHENTICATED, "shared secret does not match");
			assertThat(replay.awaitClosedByServer()).isTrue();
		}
		assertThat(this.observer.rejections).containsExactly("unauthenticated");
		assertThat(this.counter.calls()).isZero();
	}

	@Test
	void requestBeforeAuthenticatingClosesTheConnectionWithoutRunningIt() throws Exception {
		RpcServer server = server(SECRET);
		try (RawConnection raw = new RawConnection(server.port())) {
			raw.sendPreface(1024 * 1024);
			raw.readPreface();
			assertThat(raw.readFrame()).isInstanceOf(Frame.AuthChallenge.class);
			raw.sendRequest(1, "Counter.increment", Metadata.EMPTY, (packer) -> {
				packer.packArrayHeader(1);
				packer.packInt(1);
			});
			raw.sendRequest(2, "Counter.increment", Metadata.EMPTY, (packer) -> {
				packer.packArrayHeader(1);
				packer.packInt(1);
			});
			assertGoAway(raw.readFrame(), RpcStatus.UNAUTHENTICATED, "REQUEST sent before AUTH_RESPONSE");
			assertThat(raw.awaitClosedByServer()).isTrue();
		}
		assertThat(this.counter.calls()).isZero();
		assertThat(this.observer.started.get()).isZero();
		assertThat(this.observer.rejections).containsExactly("unauthenticated");
		assertThat(this.observer.rejectedKeys).containsExactly("Counter.increment");
	}

	@Test
	void notificationBeforeAuthenticatingClosesTheConnectionWithoutRunningIt() throws Exception {
		RpcServer server = server(SECRET);
		try (RawConnection raw = new RawConnection(server.port())) {
			raw.sendPreface(1024 * 1024);
			raw.sendNotification("Counter.touch", (packer) -> packer.packArrayHeader(0));
			raw.readPreface();
			assertThat(raw.readFrame()).isInstanceOf(Frame.AuthChallenge.class);
			assertGoAway(raw.readFrame(), RpcStatus.UNAUTHENTICATED, "NOTIFICATION sent before AUTH_RESPONSE");
			assertThat(raw.awaitClosedByServer()).isTrue();
		}
		assertThat(this.counter.calls()).isZero();
		assertThat(this.observer.started.get()).isZero();
	}

	@Test
	void pingBeforeAuthenticatingIsAnswered() throws Exception {
		RpcServer server = server(SECRET);
		try (RawConnection raw = new RawConnection(server.port())) {
			raw.sendPreface(1024 * 1024);
			raw.sendPing(5);
			raw.readPreface();
			assertThat(raw.readFrame()).isInstanceOf(Frame.AuthChallenge.class);
			assertThat(raw.readFrame()).isEqualTo(new Frame.Pong(5));
		}
	}

	@Test
	void silentConnectionIsClosedAfterTheAuthenticationTimeout() throws Exception {
		RpcServer server = this.rpc.server(RpcAddress.tcp("127.0.0.1", 0),
				(builder) -> builder.sharedSecret(SECRET).authTimeout(Duration.ofMillis(200)).observer(this.observer),
				RpcFixture.definitions(this.counter));
		try (RawConnection raw = new RawConnection(server.port())) {
			assertThat(raw.readPreface().requiresAuthentication()).isTrue();
			assertThat(raw.readFrame()).isInstanceOf(Frame.AuthChallenge.class);
			assertGoAway(raw.readFrame(), RpcStatus.UNAUTHENTICATED, "no AUTH_RESPONSE within 200 ms");
			assertThat(raw.awaitClosedByServer()).isTrue();
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> server.connectionCount() == 0);
		assertThat(this.observer.rejections).containsExactly("unauthenticated");
	}

	@Test
	void malformedAuthResponseIsAProtocolError() throws Exception {
		RpcServer server = server(SECRET);
		try (RawConnection raw = new RawConnection(server.port())) {
			raw.sendPreface(1024 * 1024);
			raw.readPreface();
			raw.readFrame();
			// [13, bin(16 bytes), bin(32 bytes)]: the nonce is too short.
			byte[] body = new byte[1 + 1 + 2 + 16 + 2 + 32];
			body[0] = (byte) 0x93;
			body[1] = 13;
			body[2] = (byte) 0xc4;
			body[3] = 16;
			body[20] = (byte) 0xc4;
			body[21] = 32;
			ByteBuf frame = Unpooled.wrappedBuffer(body);
			raw.send(frame);
			assertGoAway(raw.readFrame(), RpcStatus.INVALID_ARGUMENT, "nonce of 16 bytes, expected 32");
			assertThat(raw.awaitClosedByServer()).isTrue();
		}
		assertThat(this.counter.calls()).isZero();
	}

	@Test
	void secondAuthResponseIsAProtocolError() throws Exception {
		RpcServer server = server(SECRET);
		SharedSecret secret = SharedSecret.of(SECRET);
		try (RawConnection raw = new RawConnection(server.port())) {
			raw.sendPreface(1024 * 1024);
			raw.readPreface();
			Frame.AuthChallenge challenge = (Frame.AuthChallenge) raw.readFrame();
			byte[] clientNonce = SharedSecret.newNonce();
			byte[] proof = secret.clientProof(challenge.nonce(), clientNonce);
			raw.send(FrameCodec.encodeAuthResponse(UnpooledByteBufAllocator.DEFAULT, clientNonce, proof));
			assertThat(raw.readFrame()).isInstanceOf(Frame.AuthOk.class);
			raw.sendRequest(1, "Counter.increment", Metadata.EMPTY, (packer) -> {
				packer.packArrayHeader(1);
				packer.packInt(7);
			});
			assertThat(raw.readFrame()).isInstanceOf(Frame.Response.class);
			raw.send(FrameCodec.encodeAuthResponse(UnpooledByteBufAllocator.DEFAULT, clientNonce, proof));
			assertGoAway(raw.readFrame(), RpcStatus.INVALID_ARGUMENT, "Unexpected AUTH_RESPONSE");
			assertThat(raw.awaitClosedByServer()).isTrue();
		}
		assertThat(this.counter.calls()).isEqualTo(1);
	}

	@Test
	void authResponseToAServerWithoutSecretIsAProtocolError() throws Exception {
		RpcServer server = this.rpc.tcpServer(this.counter);
		try (RawConnection raw = new RawConnection(server.port())) {
			raw.sendPreface(1024 * 1024);
			assertThat(raw.readPreface().requiresAuthentication()).isFalse();
			raw.send(FrameCodec.encodeAuthResponse(UnpooledByteBufAllocator.DEFAULT, SharedSecret.newNonce(),
					new byte[SharedSecret.PROOF_LENGTH]));
			assertGoAway(raw.readFrame(), RpcStatus.INVALID_ARGUMENT, "asked for no authentication");
			assertThat(raw.awaitClosedByServer()).isTrue();
		}
	}

	@Test
	void everyFailedHandshakeIsLoggedWithThePeerAndNeverTheSecret() throws Exception {
		RpcServer server = server(SECRET);
		Counter wrong = client(server, (builder) -> builder.sharedSecret("not " + SECRET));
		assertUnauthenticated(() -> wrong.increment(1), "refused the shared secret");
		try (RawConnection raw = new RawConnection(server.port())) {
			raw.sendPreface(1024 * 1024);
			raw.readPreface();
			raw.readFrame();
			raw.sendPing(1);
			raw.sendRequest(1, "Counter.increment", Metadata.EMPTY, (packer) -> {
				packer.packArrayHeader(1);
				packer.packInt(1);
			});
			assertThat(raw.awaitClosedByServer()).isTrue();
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> warnings().size() == 2);
		assertThat(warnings()).allSatisfy((line) -> {
			assertThat(line).contains("127.0.0.1");
			assertThat(line).doesNotContain(SECRET);
		});
		assertThat(warnings().get(0)).contains("wrong shared secret");
		assertThat(warnings().get(1)).contains("REQUEST before authenticating");
		assertThat(this.serverLog.events).allSatisfy(
				(event) -> assertThat(event.getFormattedMessage()).doesNotContain(SECRET).doesNotContain("horse"));
	}

	private List<String> warnings() {
		List<String> lines = new ArrayList<>();
		for (ILoggingEvent event : this.serverLog.events) {
			if (event.getLevel() == Level.WARN) {
				lines.add(event.getFormattedMessage());
			}
		}
		return lines;
	}

	private RpcServer server(String secret) {
		return this.rpc.server(RpcAddress.tcp("127.0.0.1", 0),
				(builder) -> builder.sharedSecret(secret).observer(this.observer),
				RpcFixture.definitions(this.counter));
	}

	private Counter client(RpcServer server, Consumer<RpcChannel.Builder> customizer) {
		return this.rpc.client(Counter.class, this.rpc.channel(RpcFixture.address(server), customizer));
	}

	private static void assertUnauthenticated(Runnable call, String messagePart) {
		assertThatExceptionOfType(RpcException.class).isThrownBy(call::run).satisfies((ex) -> {
			assertThat(ex.getStatus()).isEqualTo(RpcStatus.UNAUTHENTICATED);
			assertThat(ex.getDescription()).contains(messagePart).doesNotContain(SECRET);
		});
	}

	private static void assertGoAway(Frame frame, RpcStatus status, String messagePart) {
		assertThat(frame).isInstanceOfSatisfying(Frame.GoAway.class, (goAway) -> {
			assertThat(RpcStatus.fromCode(goAway.statusCode())).isEqualTo(status);
			assertThat(goAway.message()).contains(messagePart);
		});
	}

	private static void writeAndRelease(OutputStream out, ByteBuf buf) throws IOException {
		try {
			out.write(ByteBufUtil.getBytes(buf));
			out.flush();
		}
		finally {
			buf.release();
		}
	}

	private static void writeFrameAndRelease(OutputStream out, ByteBuf body) throws IOException {
		writeAndRelease(out, Unpooled.buffer().writeInt(body.readableBytes()).writeBytes(body));
		body.release();
	}

	private static Frame readFrame(DataInputStream in) throws IOException {
		byte[] body = new byte[in.readInt()];
		in.readFully(body);
		return FrameCodec.decode(Unpooled.wrappedBuffer(body));
	}

	public interface Counter {

		int increment(int by);

		CompletableFuture<Integer> incrementAsync(int by);

		void touch();

	}

	static class CountingCounter implements Counter {

		private final AtomicInteger total = new AtomicInteger();

		private final AtomicInteger calls = new AtomicInteger();

		@Override
		public int increment(int by) {
			this.calls.incrementAndGet();
			return this.total.addAndGet(by);
		}

		@Override
		public CompletableFuture<Integer> incrementAsync(int by) {
			return CompletableFuture.completedFuture(increment(by));
		}

		@Override
		public void touch() {
			this.calls.incrementAndGet();
		}

		int calls() {
			return this.calls.get();
		}

	}

	static class LogCollector extends AppenderBase<ILoggingEvent> {

		final List<ILoggingEvent> events = new CopyOnWriteArrayList<>();

		@Override
		protected void append(ILoggingEvent event) {
			this.events.add(event);
		}

	}

	static class RecordingObserver implements ServerCallObserver {

		final List<String> rejections = new CopyOnWriteArrayList<>();

		final List<String> rejectedKeys = new CopyOnWriteArrayList<>();

		final AtomicInteger started = new AtomicInteger();

		@Override
		public CallObservation start(CallInfo call) {
			this.started.incrementAndGet();
			return null;
		}

		@Override
		public void rejected(String methodKey, String reason) {
			this.rejectedKeys.add(methodKey);
			this.rejections.add(reason);
		}

	}

}
