package io.easyrpc.internal.server;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;

import io.easyrpc.RpcStatus;
import io.easyrpc.codec.ObjectCodec;
import io.easyrpc.internal.protocol.Frame;
import io.easyrpc.internal.protocol.FrameCodec;
import io.easyrpc.internal.protocol.Metadata;
import io.easyrpc.internal.protocol.Preface;
import io.easyrpc.internal.protocol.SharedSecret;
import io.easyrpc.internal.transport.PrefaceDecoder;
import io.easyrpc.internal.transport.PrefaceEncoder;
import io.easyrpc.middleware.CallInfo;
import io.easyrpc.middleware.CallObservation;
import io.easyrpc.middleware.ConnectionDecision;
import io.easyrpc.middleware.ConnectionInfo;
import io.easyrpc.middleware.ConnectionMiddleware;
import io.easyrpc.middleware.ServerCallObserver;
import io.easyrpc.server.RpcServer;
import io.easyrpc.transport.RpcAddress;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ConnectionSetup} in front of a {@link ServerConnection} on an
 * {@link EmbeddedChannel} whose clock the tests move: admission by connection middleware,
 * the shared-secret handshake and its timeout, frames held meanwhile, and the setup
 * leaving the pipeline once the connection is set up.
 */
class ConnectionSetupTests {

	private static final int MAX_FRAME_SIZE = 1024;

	private static final String SECRET = "s3cret-for-setup";

	private final List<String> dispatched = new CopyOnWriteArrayList<>();

	private final List<ConnectionDecision> rejections = new CopyOnWriteArrayList<>();

	private final List<ConnectionInfo> closed = new CopyOnWriteArrayList<>();

	private final List<ByteBuf> inbound = new ArrayList<>();

	private volatile ConnectionDecision decision = ConnectionDecision.accept();

	private EmbeddedChannel channel;

	@AfterEach
	void close() {
		if (this.channel != null) {
			this.channel.finishAndReleaseAll();
		}
		assertThat(this.inbound).allSatisfy((buf) -> assertThat(buf.refCnt()).isZero());
	}

	@Test
	void connectionWithoutMiddlewareOrSecretNeedsNoSetup() {
		connect(RpcServer.builder(), false);

		assertThat(this.channel.pipeline().get(ConnectionSetup.class)).isNull();
		clientPreface();
		writeFrame(ping(1));
		assertThat(readOutboundFrame()).isEqualTo(new Frame.Pong(1));
	}

	@Test
	void refusedConnectionGetsGoAwayAndClosesAfterTheLinger() {
		this.decision = ConnectionDecision.reject(RpcStatus.PERMISSION_DENIED, "Not from here", "test");
		connect(withMiddleware(RpcServer.builder()), false);

		assertThat(readOutboundFrame())
			.isEqualTo(new Frame.GoAway(RpcStatus.PERMISSION_DENIED.code(), "Not from here"));
		assertThat(this.rejections).singleElement()
			.satisfies((rejection) -> assertThat(rejection.reason()).isEqualTo("test"));
		// What the refused peer still sends is released unread.
		clientPreface();
		writeFrame(request(1));
		assertThat(this.dispatched).isEmpty();
		assertThat((Object) this.channel.readOutbound()).isNull();
		advance(1_999);
		assertThat(this.channel.isOpen()).isTrue();
		advance(1);
		assertThat(this.channel.isOpen()).isFalse();
		assertThat(this.closed).isEmpty();
	}

	@Test
	void acceptedPlainConnectionLeavesThePipelineAtOnce() {
		connect(withMiddleware(RpcServer.builder()), false);

		assertThat(this.channel.pipeline().get(ConnectionSetup.class)).isNull();
		clientPreface();
		writeFrame(request(1));
		assertThat(this.dispatched).containsExactly("Nowhere.nothing");
		this.channel.close();
		this.channel.runPendingTasks();
		assertThat(this.closed).hasSize(1);
	}

	@Test
	void framesHeldUntilTheTlsConnectionIsAcceptedAreHandedOnInOrder() {
		connect(withMiddleware(RpcServer.builder()), true);
		clientPreface();
		writeFrame(ping(1));
		writeFrame(request(1));
		writeFrame(ping(2));
		writeFrame(request(3));
		assertThat((Object) this.channel.readOutbound()).isNull();
		assertThat(this.dispatched).isEmpty();
		assertThat(this.channel.config().isAutoRead()).isFalse();

		this.channel.pipeline().fireUserEventTriggered(SslHandshakeCompletionEvent.SUCCESS);

		assertThat(this.channel.pipeline().get(ConnectionSetup.class)).isNull();
		assertThat(this.channel.config().isAutoRead()).isTrue();
		assertThat(readOutboundFrame()).isEqualTo(new Frame.Pong(1));
		assertThat(readOutboundFrame()).isInstanceOfSatisfying(Frame.Error.class,
				(error) -> assertThat(error.callId()).isEqualTo(1));
		assertThat(readOutboundFrame()).isEqualTo(new Frame.Pong(2));
		assertThat(readOutboundFrame()).isInstanceOfSatisfying(Frame.Error.class,
				(error) -> assertThat(error.callId()).isEqualTo(3));
		assertThat(this.dispatched).containsExactly("Nowhere.nothing", "Nowhere.nothing");
	}

	@Test
	void successfulHandshakeAnswersAndLeavesThePipeline() {
		connect(RpcServer.builder().sharedSecret(SECRET), false);
		Frame.AuthChallenge challenge = (Frame.AuthChallenge) readOutboundFrame();
		clientPreface();
		writeFrame(ping(1));
		assertThat(readOutboundFrame()).isEqualTo(new Frame.Pong(1));
		assertThat(this.channel.pipeline().get(ConnectionSetup.class)).isNotNull();

		byte[] clientNonce = SharedSecret.newNonce();
		SharedSecret secret = SharedSecret.of(SECRET);
		writeFrame(FrameCodec.encodeAuthResponse(UnpooledByteBufAllocator.DEFAULT, clientNonce,
				secret.clientProof(challenge.nonce(), clientNonce)));

		assertThat(readOutboundFrame()).isInstanceOfSatisfying(Frame.AuthOk.class,
				(ok) -> assertThat(secret.isValidServerProof(challenge.nonce(), clientNonce, ok.proof())).isTrue());
		assertThat(this.channel.pipeline().get(ConnectionSetup.class)).isNull();
		writeFrame(request(1));
		assertThat(this.dispatched).containsExactly("Nowhere.nothing");
		// The authentication timer was cancelled.
		advance(Duration.ofMinutes(5).toMillis());
		assertThat(this.channel.isOpen()).isTrue();
	}

	@Test
	void wrongSecretEndsTheConnectionWithUnauthenticated() {
		connect(RpcServer.builder().sharedSecret(SECRET), false);
		Frame.AuthChallenge challenge = (Frame.AuthChallenge) readOutboundFrame();
		clientPreface();
		byte[] clientNonce = SharedSecret.newNonce();
		// The call in the same read is not acted on.
		writeFrames(FrameCodec.encodeAuthResponse(UnpooledByteBufAllocator.DEFAULT, clientNonce,
				SharedSecret.of("another-secret").clientProof(challenge.nonce(), clientNonce)), request(1));

		assertThat(readOutboundFrame()).isInstanceOfSatisfying(Frame.GoAway.class,
				(goAway) -> assertThat(goAway.statusCode()).isEqualTo(RpcStatus.UNAUTHENTICATED.code()));
		assertThat(this.channel.isOpen()).isFalse();
		assertThat(this.dispatched).isEmpty();
	}

	@Test
	void callBeforeAuthenticatingEndsTheConnectionWithoutReachingTheRegistry() {
		connect(RpcServer.builder().sharedSecret(SECRET), false);
		assertThat(readOutboundFrame()).isInstanceOf(Frame.AuthChallenge.class);
		clientPreface();
		writeFrame(request(1));

		assertThat(readOutboundFrame()).isInstanceOfSatisfying(Frame.GoAway.class,
				(goAway) -> assertThat(goAway.statusCode()).isEqualTo(RpcStatus.UNAUTHENTICATED.code()));
		assertThat(this.channel.isOpen()).isFalse();
		assertThat(this.dispatched).isEmpty();
	}

	@Test
	void handshakeTimesOutAtTheAuthenticationTimeoutOnly() {
		connect(RpcServer.builder().sharedSecret(SECRET).authTimeout(Duration.ofMillis(500)), false);
		assertThat(readOutboundFrame()).isInstanceOf(Frame.AuthChallenge.class);
		clientPreface();

		advance(499);
		assertThat(this.channel.isOpen()).isTrue();
		assertThat((Object) this.channel.readOutbound()).isNull();
		advance(1);
		assertThat(readOutboundFrame()).isInstanceOfSatisfying(Frame.GoAway.class,
				(goAway) -> assertThat(goAway.statusCode()).isEqualTo(RpcStatus.UNAUTHENTICATED.code()));
		assertThat(this.channel.isOpen()).isFalse();
	}

	@Test
	void tlsConnectionIsAdmittedBeforeTheChallenge() {
		connect(withMiddleware(RpcServer.builder().sharedSecret(SECRET)), true);
		clientPreface();
		writeFrame(ping(1));
		assertThat((Object) this.channel.readOutbound()).isNull();

		this.channel.pipeline().fireUserEventTriggered(SslHandshakeCompletionEvent.SUCCESS);

		assertThat(readOutboundFrame()).isInstanceOf(Frame.AuthChallenge.class);
		assertThat(readOutboundFrame()).isEqualTo(new Frame.Pong(1));
		assertThat(this.channel.pipeline().get(ConnectionSetup.class)).isNotNull();
	}

	private RpcServer.Builder withMiddleware(RpcServer.Builder builder) {
		return builder.connectionMiddleware(new ConnectionMiddleware() {

			@Override
			public ConnectionDecision onConnect(ConnectionInfo connection) {
				return ConnectionSetupTests.this.decision;
			}

			@Override
			public void onClose(ConnectionInfo connection) {
				ConnectionSetupTests.this.closed.add(connection);
			}

		});
	}

	// An SslHandler that never handshakes, placed after the connection so that no byte
	// passes through it, marks the pipeline as a TLS one; the tests fire the handshake
	// events themselves.
	private void connect(RpcServer.Builder builder, boolean tls) {
		ServerCallObserver observer = new ServerCallObserver() {

			@Override
			public CallObservation start(CallInfo call) {
				ConnectionSetupTests.this.dispatched.add(call.methodKey());
				return null;
			}

			@Override
			public void connectionRejected(ConnectionInfo connection, ConnectionDecision decision) {
				ConnectionSetupTests.this.rejections.add(decision);
			}

		};
		RpcServer server = builder.address(RpcAddress.inProcess("setup-" + UUID.randomUUID()))
			.codec(ObjectCodec.createDefault())
			.observer(observer)
			.build();
		this.channel = new EmbeddedChannel();
		this.channel.freezeTime();
		this.channel.pipeline().addLast(new PrefaceDecoder(), PrefaceEncoder.INSTANCE);
		this.channel.pipeline().addLast(new ServerConnection(server, MAX_FRAME_SIZE, CallInfo.TCP, null, null));
		if (tls) {
			try {
				SSLEngine engine = SSLContext.getDefault().createSSLEngine();
				engine.setUseClientMode(false);
				this.channel.pipeline().addLast(new SslHandler(engine));
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
		}
		this.channel.pipeline().fireChannelActive();
		ByteBuf preface = this.channel.readOutbound();
		try {
			assertThat(Preface.readFrom(preface).maxFrameSize()).isEqualTo(MAX_FRAME_SIZE);
		}
		finally {
			preface.release();
		}
	}

	private void clientPreface() {
		ByteBuf preface = Unpooled.buffer(Preface.LENGTH);
		new Preface(Preface.CURRENT_VERSION, 0, MAX_FRAME_SIZE).writeTo(preface);
		writeFrame(preface);
	}

	private void writeFrame(ByteBuf buf) {
		writeFrames(buf);
	}

	private void writeFrames(ByteBuf... bufs) {
		this.inbound.addAll(List.of(bufs));
		this.channel.writeInbound((Object[]) bufs);
	}

	private static ByteBuf ping(long data) {
		return FrameCodec.encodePing(UnpooledByteBufAllocator.DEFAULT, false, data);
	}

	private static ByteBuf request(int callId) {
		try {
			return FrameCodec.encodeRequest(UnpooledByteBufAllocator.DEFAULT, callId, "Nowhere.nothing", Metadata.EMPTY,
					(packer) -> packer.packArrayHeader(0));
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	private void advance(long millis) {
		this.channel.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
		this.channel.runPendingTasks();
	}

	private Frame readOutboundFrame() {
		this.channel.runPendingTasks();
		ByteBuf buf = this.channel.readOutbound();
		assertThat(buf).isNotNull();
		try {
			return FrameCodec.decode(buf);
		}
		finally {
			buf.release();
		}
	}

}
