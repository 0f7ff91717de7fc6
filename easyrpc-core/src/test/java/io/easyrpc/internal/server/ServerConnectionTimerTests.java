package io.easyrpc.internal.server;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.easyrpc.server.RpcServer;
import io.easyrpc.RpcStatus;
import io.easyrpc.codec.ObjectCodec;
import io.easyrpc.internal.EmbeddedConnections;
import io.easyrpc.internal.protocol.Frame;
import io.easyrpc.internal.protocol.FrameCodec;
import io.easyrpc.internal.transport.FrameBodyDecoder;
import io.easyrpc.internal.transport.InboundMemory;
import io.easyrpc.internal.transport.PrefaceDecoder;
import io.easyrpc.internal.transport.PrefaceEncoder;
import io.easyrpc.middleware.CallInfo;
import io.easyrpc.transport.RpcAddress;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.timeout.IdleStateHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The timers of {@link ServerConnection} on an {@link EmbeddedChannel} whose clock the
 * tests move: the idle timeout (Netty's {@link IdleStateHandler}, as {@link RpcServer}
 * installs it) and the authentication timeout close a connection at their time, not
 * before.
 */
class ServerConnectionTimerTests {

	private static final int MAX_FRAME_SIZE = 1024;

	private EmbeddedChannel channel;

	@AfterEach
	void close() throws Exception {
		if (this.channel != null) {
			this.channel.finishAndReleaseAll();
		}
	}

	private void connect(RpcServer.Builder builder, long idleMillis) throws Exception {
		RpcServer server = builder.address(RpcAddress.inProcess("timers-" + UUID.randomUUID()))
			.codec(ObjectCodec.createDefault())
			.build();
		ServerConnection connection = new ServerConnection(server, MAX_FRAME_SIZE, CallInfo.TCP, null, null);
		this.channel = (idleMillis > 0)
				? EmbeddedConnections.open(new IdleStateHandler(idleMillis, 0, 0, TimeUnit.MILLISECONDS), connection)
				: EmbeddedConnections.open(connection);
		EmbeddedConnections.writePreface(this.channel, MAX_FRAME_SIZE);
		EmbeddedConnections.readPreface(this.channel);
	}

	private void advance(long millis) {
		EmbeddedConnections.advance(this.channel, millis);
	}

	private Frame readOutboundFrame() {
		return EmbeddedConnections.readFrame(this.channel);
	}

	@Test
	void idleConnectionIsClosedWithGoAwayAtTheIdleTimeoutOnly() throws Exception {
		connect(RpcServer.builder(), 200);
		advance(150);
		assertThat(this.channel.isOpen()).isTrue();
		this.channel.writeInbound(FrameCodec.encodePing(UnpooledByteBufAllocator.DEFAULT, false, 1));
		assertThat(readOutboundFrame()).isEqualTo(new Frame.Pong(1));
		advance(150);
		assertThat(this.channel.isOpen()).as("open 150 ms after the last read").isTrue();
		advance(100);
		assertThat(readOutboundFrame()).isInstanceOfSatisfying(Frame.GoAway.class,
				(goAway) -> assertThat(goAway.statusCode()).isEqualTo(RpcStatus.UNAVAILABLE.code()));
		assertThat(this.channel.isOpen()).isFalse();
	}

	@Test
	void clientThatNeverAnswersTheChallengeIsRefusedAtTheAuthenticationTimeout() throws Exception {
		connect(RpcServer.builder().sharedSecret("s3cret-for-timers").authTimeout(Duration.ofSeconds(2)), 0);
		assertThat(readOutboundFrame()).isInstanceOf(Frame.AuthChallenge.class);
		advance(1_999);
		assertThat(readOutboundFrame()).isNull();
		assertThat(this.channel.isOpen()).isTrue();
		advance(1);
		assertThat(readOutboundFrame()).isInstanceOfSatisfying(Frame.GoAway.class,
				(goAway) -> assertThat(goAway.statusCode()).isEqualTo(RpcStatus.UNAUTHENTICATED.code()));
		assertThat(this.channel.isOpen()).isFalse();
	}

	// As RpcServer builds a TCP connection's pipeline: the idle handler in front of the
	// framing, so that it sees bytes, not frames.
	private void connectWithFraming(long idleMillis, long frameTimeoutMillis) throws Exception {
		RpcServer server = RpcServer.builder()
			.address(RpcAddress.inProcess("timers-" + UUID.randomUUID()))
			.codec(ObjectCodec.createDefault())
			.build();
		ServerConnection connection = new ServerConnection(server, MAX_FRAME_SIZE, CallInfo.TCP, null, null);
		this.channel = new EmbeddedChannel();
		this.channel.freezeTime();
		this.channel.pipeline()
			.addLast(new IdleStateHandler(idleMillis, 0, 0, TimeUnit.MILLISECONDS), new PrefaceDecoder(),
					PrefaceEncoder.INSTANCE, new FrameBodyDecoder(MAX_FRAME_SIZE, new InboundMemory(1024 * 1024),
							TimeUnit.MILLISECONDS.toNanos(frameTimeoutMillis)),
					connection);
		this.channel.pipeline().fireChannelActive();
		EmbeddedConnections.writePreface(this.channel, MAX_FRAME_SIZE);
		EmbeddedConnections.readPreface(this.channel);
	}

	private static byte[] prefixed(ByteBuf body) {
		try {
			byte[] bytes = new byte[4 + body.readableBytes()];
			Unpooled.wrappedBuffer(bytes).writerIndex(0).writeInt(body.readableBytes()).writeBytes(body);
			return bytes;
		}
		finally {
			body.release();
		}
	}

	@Test
	void idleTimerDoesNotFireWhileAFrameArrivesByteByByte() throws Exception {
		connectWithFraming(200, 10_000);
		byte[] ping = prefixed(FrameCodec.encodePing(UnpooledByteBufAllocator.DEFAULT, false, 7));
		for (byte b : ping) {
			advance(150);
			assertThat(this.channel.isOpen()).isTrue();
			this.channel.writeInbound(Unpooled.wrappedBuffer(new byte[] { b }));
		}
		assertThat(ping.length * 150).as("longer than the idle timeout").isGreaterThan(200);
		assertThat(readOutboundFrame()).isEqualTo(new Frame.Pong(7));
		advance(199);
		assertThat(this.channel.isOpen()).isTrue();
		advance(1);
		assertThat(readOutboundFrame()).isInstanceOfSatisfying(Frame.GoAway.class,
				(goAway) -> assertThat(goAway.statusCode()).isEqualTo(RpcStatus.UNAVAILABLE.code()));
		assertThat(this.channel.isOpen()).isFalse();
	}

	@Test
	void frameThatTricklesInTooSlowlyIsEndedAtTheFrameTimeoutWithGoAway() throws Exception {
		connectWithFraming(200, 1000);
		this.channel.writeInbound(Unpooled.buffer().writeInt(500).writeByte(0));
		for (int elapsed = 150; elapsed < 1000; elapsed += 150) {
			advance(150);
			assertThat(this.channel.isOpen()).as("open after %d ms", elapsed).isTrue();
			this.channel.writeInbound(Unpooled.wrappedBuffer(new byte[1]));
		}
		advance(100);
		assertThat(readOutboundFrame()).isInstanceOfSatisfying(Frame.GoAway.class, (goAway) -> {
			assertThat(goAway.statusCode()).isEqualTo(RpcStatus.RESOURCE_EXHAUSTED.code());
			assertThat(goAway.message()).contains("Frame of 500 bytes not received within 1000 ms");
		});
		assertThat(this.channel.isOpen()).isFalse();
	}

}
