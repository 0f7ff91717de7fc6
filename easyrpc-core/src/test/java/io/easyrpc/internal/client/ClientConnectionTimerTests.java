package io.easyrpc.internal.client;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import io.easyrpc.codec.ObjectCodec;
import io.easyrpc.internal.protocol.Frame;
import io.easyrpc.internal.protocol.FrameCodec;
import io.easyrpc.internal.protocol.Preface;
import io.easyrpc.middleware.ProcessorChain;
import io.easyrpc.internal.transport.PrefaceDecoder;
import io.easyrpc.internal.transport.PrefaceEncoder;
import io.easyrpc.transport.RpcAddress;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The timers of {@link ClientConnection} on an {@link EmbeddedChannel} whose clock the
 * tests move: keep-alive pings and the preface timeout fire at their time, not before.
 */
class ClientConnectionTimerTests {

	private static final int MAX_FRAME_SIZE = 1024;

	private static final long PREFACE_TIMEOUT_MILLIS = 3_000;

	// the connection is attached to the embedded channel by hand; the subchannel never
	// connects
	private final Subchannel owner = new Subchannel(RpcAddress.tcp("127.0.0.1", 1), (handler) -> {
		throw new IllegalStateException("not used");
	}, new Subchannel.ConnectionSettings(ObjectCodec.createDefault(), ProcessorChain.of(List.of()), MAX_FRAME_SIZE,
			(int) PREFACE_TIMEOUT_MILLIS, 0, null), new ExponentialBackoffPolicy(1, 1, () -> 0.5), System::nanoTime);

	private EmbeddedChannel channel;

	@AfterEach
	void close() throws Exception {
		if (this.channel != null) {
			this.channel.finishAndReleaseAll();
		}
		this.owner.shutdown();
	}

	private ClientConnection connect(long keepAliveMillis) throws Exception {
		ClientConnection connection = new ClientConnection(this.owner, ObjectCodec.createDefault(),
				ProcessorChain.of(List.of()), MAX_FRAME_SIZE, PREFACE_TIMEOUT_MILLIS,
				TimeUnit.MILLISECONDS.toNanos(keepAliveMillis), null);
		// The clock stops before the connection becomes active and schedules its timers.
		this.channel = new EmbeddedChannel();
		this.channel.freezeTime();
		this.channel.pipeline().addLast(new PrefaceDecoder(), PrefaceEncoder.INSTANCE, connection);
		this.channel.pipeline().fireChannelActive();
		ByteBuf preface = this.channel.readOutbound();
		try {
			assertThat(Preface.readFrom(preface).maxFrameSize()).isEqualTo(MAX_FRAME_SIZE);
		}
		finally {
			preface.release();
		}
		return connection;
	}

	private void serverPreface() {
		ByteBuf preface = Unpooled.buffer(Preface.LENGTH);
		new Preface(Preface.CURRENT_VERSION, 0, MAX_FRAME_SIZE).writeTo(preface);
		this.channel.writeInbound(preface);
	}

	private void advance(long millis) {
		this.channel.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
		this.channel.runPendingTasks();
	}

	private Frame readOutboundFrame() {
		ByteBuf buf = this.channel.readOutbound();
		if (buf == null) {
			return null;
		}
		try {
			return FrameCodec.decode(buf);
		}
		finally {
			buf.release();
		}
	}

	@Test
	void quietConnectionIsPingedOnlyAfterTheKeepAliveInterval() throws Exception {
		ClientConnection connection = connect(1_000);
		serverPreface();
		assertThat(connection.ready()).isCompleted();
		advance(400);
		assertThat(readOutboundFrame()).as("frame before the keep-alive interval").isNull();
		advance(1_200);
		assertThat(readOutboundFrame()).isInstanceOf(Frame.Ping.class);
		assertThat(this.channel.isOpen()).isTrue();
	}

	@Test
	void withoutKeepAliveAQuietConnectionIsNeverPinged() throws Exception {
		connect(0);
		serverPreface();
		advance(60_000);
		assertThat(readOutboundFrame()).isNull();
		assertThat(this.channel.isOpen()).isTrue();
	}

	@Test
	void missingServerPrefaceFailsTheConnectionAtThePrefaceTimeout() throws Exception {
		ClientConnection connection = connect(0);
		advance(PREFACE_TIMEOUT_MILLIS - 1);
		assertThat(connection.ready()).isNotDone();
		assertThat(this.channel.isOpen()).isTrue();
		advance(1);
		assertThat(connection.ready()).failsWithin(Duration.ZERO)
			.withThrowableOfType(ExecutionException.class)
			.withMessageContaining("No easyrpc preface");
		assertThat(this.channel.isOpen()).isFalse();
	}

	@Test
	void prefaceInTimeStopsThePrefaceTimer() throws Exception {
		ClientConnection connection = connect(0);
		advance(PREFACE_TIMEOUT_MILLIS - 1);
		serverPreface();
		advance(PREFACE_TIMEOUT_MILLIS * 2);
		assertThat(connection.ready()).isCompleted();
		assertThat(this.channel.isOpen()).isTrue();
	}

}
