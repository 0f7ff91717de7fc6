package io.easyrpc.internal.server;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;

import io.easyrpc.server.RpcServer;
import io.easyrpc.RpcStatus;
import io.easyrpc.codec.ObjectCodec;
import io.easyrpc.middleware.CallInfo;
import io.easyrpc.middleware.CallObservation;
import io.easyrpc.middleware.ConnectionDecision;
import io.easyrpc.middleware.ConnectionInfo;
import io.easyrpc.middleware.ConnectionMiddleware;
import io.easyrpc.middleware.ServerCallObserver;
import io.easyrpc.internal.protocol.Frame;
import io.easyrpc.internal.protocol.FrameCodec;
import io.easyrpc.internal.protocol.Metadata;
import io.easyrpc.internal.protocol.Preface;
import io.easyrpc.internal.transport.FrameBodyDecoder;
import io.easyrpc.internal.transport.PrefaceDecoder;
import io.easyrpc.internal.transport.PrefaceEncoder;
import io.easyrpc.transport.RpcAddress;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the admission of a TLS connection by {@link ServerConnection} on an
 * {@link EmbeddedChannel}: frames that arrive before the decision are held, then handed
 * on or released. An {@link SslHandler} that never handshakes, placed after the
 * connection so that no byte passes through it, marks the pipeline as a TLS one; the test
 * fires the handshake events itself.
 */
class ServerConnectionAdmissionTests {

	private static final int MAX_FRAME_SIZE = 1024;

	private final List<String> dispatched = new CopyOnWriteArrayList<>();

	private final List<ConnectionDecision> rejections = new CopyOnWriteArrayList<>();

	private final List<ByteBuf> inbound = new ArrayList<>();

	private final Decider decider = new Decider();

	private EmbeddedChannel channel;

	@BeforeEach
	void setUp() throws Exception {
		ServerCallObserver observer = new ServerCallObserver() {

			@Override
			public CallObservation start(CallInfo call) {
				ServerConnectionAdmissionTests.this.dispatched.add(call.methodKey());
				return null;
			}

			@Override
			public void connectionRejected(ConnectionInfo connection, ConnectionDecision decision) {
				ServerConnectionAdmissionTests.this.rejections.add(decision);
			}

		};
		RpcServer server = RpcServer.builder()
			.address(RpcAddress.inProcess("admission-" + UUID.randomUUID()))
			.codec(ObjectCodec.createDefault())
			.observer(observer)
			.connectionMiddleware(this.decider)
			.build();
		SSLEngine engine = SSLContext.getDefault().createSSLEngine();
		engine.setUseClientMode(false);
		this.channel = new EmbeddedChannel(new PrefaceDecoder(), new FrameBodyDecoder(MAX_FRAME_SIZE),
				PrefaceEncoder.INSTANCE,
				new ServerConnection(server, MAX_FRAME_SIZE, io.easyrpc.middleware.CallInfo.TCP, null, null),
				new SslHandler(engine));
		ByteBuf preface = this.channel.readOutbound();
		try {
			assertThat(Preface.readFrom(preface).maxFrameSize()).isEqualTo(MAX_FRAME_SIZE);
		}
		finally {
			preface.release();
		}
	}

	@AfterEach
	void everyBufferIsReleased() {
		this.channel.finishAndReleaseAll();
		assertThat(this.inbound).allSatisfy((buf) -> assertThat(buf.refCnt()).isZero());
	}

	@Test
	void framesBeforeTheHandshakeAreHeldAndDispatchedInOrderOnceAccepted() throws IOException {
		this.channel.writeInbound(clientBytes());
		assertThat((Object) this.channel.readOutbound()).isNull();
		assertThat(this.dispatched).isEmpty();
		assertThat(this.decider.asked).isEmpty();
		assertThat(this.channel.config().isAutoRead()).isFalse();

		this.channel.pipeline().fireUserEventTriggered(SslHandshakeCompletionEvent.SUCCESS);

		assertThat(this.decider.asked).singleElement().satisfies((info) -> assertThat(info.sslSession()).isNotNull());
		assertThat(this.dispatched).containsExactly("Nowhere.nothing");
		assertThat(readOutboundFrame()).isEqualTo(new Frame.Pong(7));
		assertThat(readOutboundFrame()).isInstanceOfSatisfying(Frame.Error.class, (error) -> {
			assertThat(error.callId()).isEqualTo(1);
			assertThat(error.statusCode()).isEqualTo(RpcStatus.NOT_FOUND.code());
		});
		assertThat(this.channel.config().isAutoRead()).isTrue();
		this.channel.close();
		this.channel.runPendingTasks();
		assertThat(this.decider.closed).containsExactlyElementsOf(this.decider.asked);
	}

	@Test
	void refusalAfterTheHandshakeReleasesHeldFramesAndSendsGoAway() throws IOException {
		this.decider.decision = ConnectionDecision.reject(RpcStatus.PERMISSION_DENIED, "Not from here", "test");
		this.channel.writeInbound(clientBytes());

		this.channel.pipeline().fireUserEventTriggered(SslHandshakeCompletionEvent.SUCCESS);

		assertThat(this.inbound).allSatisfy((buf) -> assertThat(buf.refCnt()).isZero());
		assertThat(readOutboundFrame())
			.isEqualTo(new Frame.GoAway(RpcStatus.PERMISSION_DENIED.code(), "Not from here"));
		assertThat(this.dispatched).isEmpty();
		assertThat(this.rejections).singleElement()
			.satisfies((decision) -> assertThat(decision.reason()).isEqualTo("test"));
		// The refused connection lingers so that the peer reads the GOAWAY, then closes.
		this.channel.advanceTimeBy(3, TimeUnit.SECONDS);
		this.channel.runScheduledPendingTasks();
		assertThat(this.channel.isOpen()).isFalse();
		assertThat(this.decider.closed).isEmpty();
	}

	@Test
	void failedHandshakeAsksNoMiddleware() throws IOException {
		this.channel.writeInbound(clientBytes());

		this.channel.pipeline().fireUserEventTriggered(new SslHandshakeCompletionEvent(new SSLException("bad")));
		this.channel.close();
		this.channel.runPendingTasks();

		assertThat(this.decider.asked).isEmpty();
		assertThat(this.decider.closed).isEmpty();
		assertThat(this.dispatched).isEmpty();
		assertThat(this.inbound).allSatisfy((buf) -> assertThat(buf.refCnt()).isZero());
	}

	// The client's preface, a ping and a request, in one read from the byte stream.
	private ByteBuf clientBytes() throws IOException {
		ByteBuf buf = Unpooled.buffer();
		new Preface(Preface.CURRENT_VERSION, 0, MAX_FRAME_SIZE).writeTo(buf);
		ByteBuf ping = FrameCodec.encodePing(UnpooledByteBufAllocator.DEFAULT, false, 7);
		ByteBuf request = FrameCodec.encodeRequest(UnpooledByteBufAllocator.DEFAULT, 1, "Nowhere.nothing",
				Metadata.EMPTY, (packer) -> packer.packArrayHeader(0));
		buf.writeInt(ping.readableBytes()).writeBytes(ping).writeInt(request.readableBytes()).writeBytes(request);
		ping.release();
		request.release();
		this.inbound.add(buf);
		return buf;
	}

	private Frame readOutboundFrame() {
		ByteBuf buf = this.channel.readOutbound();
		assertThat(buf).isNotNull();
		try {
			return FrameCodec.decode(buf);
		}
		finally {
			buf.release();
		}
	}

	static final class Decider implements ConnectionMiddleware {

		volatile ConnectionDecision decision = ConnectionDecision.accept();

		final List<ConnectionInfo> asked = new CopyOnWriteArrayList<>();

		final List<ConnectionInfo> closed = new CopyOnWriteArrayList<>();

		@Override
		public ConnectionDecision onConnect(ConnectionInfo connection) {
			this.asked.add(connection);
			return this.decision;
		}

		@Override
		public void onClose(ConnectionInfo connection) {
			this.closed.add(connection);
		}

	}

}
