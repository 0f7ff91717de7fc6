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
import io.easyrpc.middleware.CallInfo;
import io.easyrpc.transport.RpcAddress;
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

}
