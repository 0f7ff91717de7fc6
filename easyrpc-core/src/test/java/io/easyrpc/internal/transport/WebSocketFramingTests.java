package io.easyrpc.internal.transport;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.easyrpc.RpcStatus;
import io.easyrpc.internal.protocol.Preface;
import io.easyrpc.internal.protocol.ProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler.ClientHandshakeStateEvent;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link WebSocketFraming} on an {@link EmbeddedChannel}, with the handshake
 * events that Netty's WebSocket handlers would fire.
 */
class WebSocketFramingTests {

	private static final int MAX_FRAME_SIZE = 64;

	private final Recorder recorder = new Recorder();

	private WebSocketFraming framing;

	private EmbeddedChannel channel;

	@BeforeEach
	void setUp() {
		this.framing = WebSocketFraming.create(true, "ws://example.test/easyrpc", MAX_FRAME_SIZE, 1000);
		this.channel = new EmbeddedChannel(this.framing, this.recorder);
	}

	@AfterEach
	void tearDown() {
		this.channel.finishAndReleaseAll();
		this.recorder.events.forEach(ReferenceCountUtil::release);
	}

	@Test
	void channelActiveWaitsForTheHandshake() {
		assertThat(this.recorder.active).isFalse();
		upgrade();
		assertThat(this.recorder.active).isTrue();
		assertThat(this.framing.handshakeFuture().isSuccess()).isTrue();
	}

	@Test
	void writesBeforeTheHandshakeAreHeldThenSentAsOneMessageEach() {
		ChannelFuture preface = this.channel.write(prefaceRecord());
		ChannelFuture frame = this.channel.writeAndFlush(frame(3));
		assertThat(this.channel.outboundMessages()).isEmpty();
		assertThat(preface.isDone()).isFalse();
		upgrade();
		assertThat(readMessage()).isEqualTo(bytes(preface()));
		assertThat(readMessage()).isEqualTo(new byte[] { 0, 1, 2 });
		assertThat(this.channel.outboundMessages()).isEmpty();
		assertThat(preface.isSuccess()).isTrue();
		assertThat(frame.isSuccess()).isTrue();
	}

	@Test
	void prefaceAndEveryFrameBodyAreOneMessageEach() {
		upgrade();
		ChannelFuture preface = this.channel.write(prefaceRecord());
		this.channel.write(frame(2));
		ChannelFuture written = this.channel.writeAndFlush(frame(5));
		assertThat(readMessage()).isEqualTo(bytes(preface()));
		assertThat(readMessage()).isEqualTo(new byte[] { 0, 1 });
		assertThat(readMessage()).isEqualTo(new byte[] { 0, 1, 2, 3, 4 });
		assertThat(this.channel.outboundMessages()).isEmpty();
		assertThat(preface.isSuccess()).isTrue();
		assertThat(written.isSuccess()).isTrue();
	}

	@Test
	void emptyBufferCompletesOnlyAfterEarlierFramesAndSendsNothing() {
		upgrade();
		this.channel.write(prefaceRecord());
		this.channel.write(frame(4));
		ChannelFuture close = this.channel.write(Unpooled.EMPTY_BUFFER);
		assertThat(close.isDone()).isFalse();
		this.channel.flush();
		assertThat(close.isSuccess()).isTrue();
		assertThat(readMessage()).hasSize(Preface.LENGTH);
		assertThat(readMessage()).hasSize(4);
		assertThat(this.channel.outboundMessages()).isEmpty();
	}

	@Test
	void emptyBufferWithNothingPendingCompletesAtOnce() {
		upgrade();
		ChannelFuture close = this.channel.writeAndFlush(Unpooled.EMPTY_BUFFER);
		assertThat(close.isSuccess()).isTrue();
		assertThat(this.channel.outboundMessages()).isEmpty();
	}

	@Test
	void firstMessageIsThePrefaceThenBodiesOnTheHeap() {
		upgrade();
		this.channel.writeInbound(new BinaryWebSocketFrame(preface()));
		ByteBuf direct = Unpooled.directBuffer().writeBytes(new byte[] { 9, 8, 7 });
		this.channel.writeInbound(new BinaryWebSocketFrame(direct));
		assertThat(this.recorder.events).hasSize(3);
		assertThat(this.recorder.events.get(1)).isEqualTo(new Preface(Preface.CURRENT_VERSION, 0, MAX_FRAME_SIZE * 2));
		ByteBuf body = (ByteBuf) this.recorder.events.get(2);
		assertThat(body.hasArray()).isTrue();
		assertThat(ByteBufUtil.getBytes(body)).isEqualTo(new byte[] { 9, 8, 7 });
		assertThat(direct.refCnt()).isZero();
	}

	@Test
	void firstMessageLongerThanThePrefaceIsRefused() {
		upgrade();
		ByteBuf message = preface().writeBytes(frame(6));
		this.channel.writeInbound(new BinaryWebSocketFrame(message));
		assertThat(this.recorder.failure()).isInstanceOf(ProtocolException.class)
			.hasMessageContaining("first WebSocket message has 16 bytes");
		assertThat(message.refCnt()).isZero();
	}

	@Test
	void firstMessageThatIsNotAPrefaceIsRefused() {
		upgrade();
		this.channel.writeInbound(
				new BinaryWebSocketFrame(Unpooled.copiedBuffer("GET / HTTP/1.1\r\n", StandardCharsets.US_ASCII)));
		assertThat(this.recorder.failure()).isInstanceOf(ProtocolException.class)
			.hasMessageContaining("Not an easyrpc connection");
	}

	@Test
	void oversizedMessageIsRefusedAndLaterMessagesAreDropped() {
		upgrade();
		this.channel.writeInbound(new BinaryWebSocketFrame(preface()));
		this.channel.writeInbound(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[MAX_FRAME_SIZE + 1])));
		assertThat(this.recorder.failure()).isInstanceOf(ProtocolException.class)
			.hasMessageContaining("Frame of 65 bytes exceeds the maximum frame size of 64 bytes")
			.satisfies(
					(ex) -> assertThat(((ProtocolException) ex).getStatus()).isEqualTo(RpcStatus.RESOURCE_EXHAUSTED));
		ByteBuf later = Unpooled.wrappedBuffer(new byte[] { 1 });
		this.channel.writeInbound(new BinaryWebSocketFrame(later));
		assertThat(later.refCnt()).isZero();
		assertThat(this.recorder.events).hasSize(2);
	}

	@Test
	void messageOfTheMaximumSizeIsAccepted() {
		upgrade();
		this.channel.writeInbound(new BinaryWebSocketFrame(preface()));
		this.channel.writeInbound(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[MAX_FRAME_SIZE])));
		assertThat(this.recorder.failures).isEmpty();
		assertThat(((ByteBuf) this.recorder.events.get(2)).readableBytes()).isEqualTo(MAX_FRAME_SIZE);
	}

	@Test
	void textMessageIsAProtocolError() {
		upgrade();
		this.channel.writeInbound(new BinaryWebSocketFrame(preface()));
		this.channel.writeInbound(new TextWebSocketFrame("hello"));
		assertThat(this.recorder.failure()).isInstanceOf(ProtocolException.class)
			.hasMessageContaining("text WebSocket message");
	}

	@Test
	void tlsCompletionBeforeTheUpgradeIsReportedAfterChannelActive() {
		this.channel.pipeline().fireUserEventTriggered(SslHandshakeCompletionEvent.SUCCESS);
		assertThat(this.recorder.events).isEmpty();
		upgrade();
		assertThat(this.recorder.events).containsExactly("active", SslHandshakeCompletionEvent.SUCCESS);
	}

	@Test
	void refusedUpgradeFailsTheHandshakeWithTheStatusAndCloses() {
		DefaultFullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
				HttpResponseStatus.NOT_FOUND);
		this.channel.pipeline()
			.fireExceptionCaught(new WebSocketClientHandshakeException("Invalid handshake response", response));
		response.release();
		assertThat(this.framing.handshakeFuture().cause())
			.hasMessage("WebSocket handshake with ws://example.test/easyrpc failed: "
					+ "the server answered HTTP 404 Not Found; no WebSocket endpoint at this path");
		assertThat(this.channel.isOpen()).isFalse();
		assertThat(this.recorder.active).isFalse();
		assertThat(this.recorder.failures).isEmpty();
	}

	@Test
	void handshakeTimeoutFailsTheHandshake() {
		this.channel.pipeline().fireUserEventTriggered(ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT);
		assertThat(this.framing.handshakeFuture().cause())
			.hasMessage("WebSocket handshake with ws://example.test/easyrpc not done within 1000 ms");
		assertThat(this.channel.isOpen()).isFalse();
	}

	@Test
	void closeBeforeTheUpgradeFailsTheHandshakeAndReleasesHeldWrites() {
		ByteBuf held = preface();
		ChannelFuture write = this.channel.writeAndFlush(held);
		this.channel.close();
		assertThat(held.refCnt()).isZero();
		assertThat(write.isSuccess()).isFalse();
		assertThat(this.framing.handshakeFuture().cause())
			.hasMessageContaining("the connection closed before the upgrade was done");
	}

	private void upgrade() {
		this.channel.pipeline().fireUserEventTriggered(ClientHandshakeStateEvent.HANDSHAKE_COMPLETE);
	}

	private byte[] readMessage() {
		Object message = this.channel.readOutbound();
		assertThat(message).isInstanceOf(BinaryWebSocketFrame.class);
		BinaryWebSocketFrame frame = (BinaryWebSocketFrame) message;
		try {
			return ByteBufUtil.getBytes(frame.content());
		}
		finally {
			frame.release();
		}
	}

	private static ByteBuf preface() {
		ByteBuf buf = Unpooled.buffer(Preface.LENGTH);
		new Preface(Preface.CURRENT_VERSION, 0, MAX_FRAME_SIZE * 2).writeTo(buf);
		return buf;
	}

	private static Preface prefaceRecord() {
		return new Preface(Preface.CURRENT_VERSION, 0, MAX_FRAME_SIZE * 2);
	}

	private static ByteBuf frame(int length) {
		ByteBuf buf = Unpooled.buffer(length);
		for (int i = 0; i < length; i++) {
			buf.writeByte(i);
		}
		return buf;
	}

	private static byte[] bytes(ByteBuf buf) {
		try {
			return ByteBufUtil.getBytes(buf);
		}
		finally {
			buf.release();
		}
	}

	// Stands where the FrameConnection would be.
	private static final class Recorder extends ChannelInboundHandlerAdapter {

		private final List<Object> events = new ArrayList<>();

		private final List<Throwable> failures = new ArrayList<>();

		private boolean active;

		@Override
		public void channelActive(ChannelHandlerContext ctx) {
			this.active = true;
			this.events.add("active");
		}

		@Override
		public void channelRead(ChannelHandlerContext ctx, Object msg) {
			this.events.add(msg);
		}

		@Override
		public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
			this.events.add(evt);
		}

		@Override
		public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
			this.failures.add(cause);
		}

		Throwable failure() {
			assertThat(this.failures).hasSize(1);
			return this.failures.get(0);
		}

	}

}
