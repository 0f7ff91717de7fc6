package io.easyrpc.internal.client;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import io.easyrpc.RpcException;
import io.easyrpc.RpcStatus;
import io.easyrpc.codec.ObjectCodec;
import io.easyrpc.codec.ValueType;
import io.easyrpc.internal.EmbeddedConnections;
import io.easyrpc.internal.protocol.Frame;
import io.easyrpc.internal.protocol.FrameCodec;
import io.easyrpc.internal.protocol.Metadata;
import io.easyrpc.middleware.ProcessorChain;
import io.easyrpc.transport.RpcAddress;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The timers of {@link ClientConnection} on an {@link EmbeddedChannel} whose clock the
 * tests move: keep-alive pings, the preface timeout and the deadline scan of its
 * {@link ClientRequester} fire at their time, not before.
 */
class ClientConnectionTimerTests {

	private static final int MAX_FRAME_SIZE = 1024;

	private static final long PREFACE_TIMEOUT_MILLIS = 3_000;

	private static final ObjectCodec CODEC = ObjectCodec.createDefault();

	private static final CallOptions HELLO = CallOptions.unary("Greeter/hello",
			new ValueType[] { CODEC.valueType(String.class) }, CODEC.valueType(String.class), null, null);

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
		this.channel = EmbeddedConnections.open(connection);
		assertThat(EmbeddedConnections.readPreface(this.channel).maxFrameSize()).isEqualTo(MAX_FRAME_SIZE);
		return connection;
	}

	private void serverPreface() {
		EmbeddedConnections.writePreface(this.channel, MAX_FRAME_SIZE);
	}

	private void advance(long millis) {
		EmbeddedConnections.advance(this.channel, millis);
	}

	private Frame readOutboundFrame() {
		return EmbeddedConnections.readFrame(this.channel);
	}

	// Starts a call whose deadline is the given time from now on the channel's clock and
	// checks that its request went out. It has no router: the tests never cancel it.
	private ClientCall started(ClientConnection connection, long timeoutMillis) {
		long deadline = this.channel.eventLoop().ticker().nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
		ClientCall call = new ClientCall(null, HELLO, new Object[] { "deadline" },
				new Metadata(timeoutMillis, null, null, null), deadline);
		connection.start(call);
		assertThat(call).isNotDone();
		assertThat(readOutboundFrame()).isInstanceOfSatisfying(Frame.Request.class,
				(request) -> assertThat(request.callId()).isEqualTo(call.callId));
		return call;
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
	void pingIsAnsweredByThePongWithItsDataAndTimesTheRoundTrip() throws Exception {
		ClientConnection connection = connect(0);
		serverPreface();
		java.util.concurrent.CompletableFuture<Duration> ping = connection.ping(TimeUnit.SECONDS.toNanos(5));
		Frame sent = readOutboundFrame();
		assertThat(sent).isInstanceOf(Frame.Ping.class);
		long data = ((Frame.Ping) sent).data();
		this.channel.writeInbound(FrameCodec.encodePing(UnpooledByteBufAllocator.DEFAULT, true, data + 1000));
		assertThat(ping).as("pong with other data").isNotDone();
		advance(7);
		this.channel.writeInbound(FrameCodec.encodePing(UnpooledByteBufAllocator.DEFAULT, true, data));
		assertThat(ping).isCompletedWithValue(Duration.ofMillis(7));
	}

	@Test
	void pingWithoutPongFailsWithDeadlineExceededAtItsTimeout() throws Exception {
		ClientConnection connection = connect(0);
		serverPreface();
		java.util.concurrent.CompletableFuture<Duration> ping = connection.ping(TimeUnit.MILLISECONDS.toNanos(500));
		assertThat(readOutboundFrame()).isInstanceOf(Frame.Ping.class);
		advance(499);
		assertThat(ping).isNotDone();
		advance(1);
		assertThat(ping).failsWithin(Duration.ZERO)
			.withThrowableOfType(ExecutionException.class)
			.havingCause()
			.isInstanceOfSatisfying(RpcException.class,
					(ex) -> assertThat(ex.getStatus()).isEqualTo(RpcStatus.DEADLINE_EXCEEDED));
		assertThat(this.channel.isOpen()).isTrue();
	}

	@Test
	void pingFailsWithUnavailableWhenTheConnectionCloses() throws Exception {
		ClientConnection connection = connect(0);
		serverPreface();
		java.util.concurrent.CompletableFuture<Duration> ping = connection.ping(TimeUnit.SECONDS.toNanos(5));
		assertThat(readOutboundFrame()).isInstanceOf(Frame.Ping.class);
		this.channel.close();
		assertThat(ping).failsWithin(Duration.ZERO)
			.withThrowableOfType(ExecutionException.class)
			.havingCause()
			.isInstanceOfSatisfying(RpcException.class,
					(ex) -> assertThat(ex.getStatus()).isEqualTo(RpcStatus.UNAVAILABLE));
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

	@Test
	void handshakeLeavesThePipelineOnceTheConnectionIsReady() throws Exception {
		ClientConnection connection = connect(0);
		assertThat(this.channel.pipeline().get(ClientHandshake.class)).isNotNull();
		serverPreface();
		assertThat(connection.ready()).isCompleted();
		assertThat(this.channel.pipeline().get(ClientHandshake.class)).isNull();
		assertThat(this.channel.pipeline().last()).isSameAs(connection);
	}

	@Test
	void callWithoutResponseFailsAtItsDeadlineAndIsCancelledOnTheServer() throws Exception {
		ClientConnection connection = connect(0);
		serverPreface();
		ClientCall call = started(connection, 1_000);
		advance(999);
		assertThat(call).isNotDone();
		assertThat(readOutboundFrame()).isNull();
		advance(1);
		assertThat(call).failsWithin(Duration.ZERO)
			.withThrowableOfType(ExecutionException.class)
			.havingCause()
			.isInstanceOfSatisfying(RpcException.class,
					(ex) -> assertThat(ex.getStatus()).isEqualTo(RpcStatus.DEADLINE_EXCEEDED));
		assertThat(readOutboundFrame()).isEqualTo(new Frame.Cancel(call.callId, RpcStatus.DEADLINE_EXCEEDED));
		assertThat(connection.pendingCount()).isZero();
	}

	@Test
	void callAnsweredBeforeItsDeadlineIsNeitherFailedNorCancelled() throws Exception {
		ClientConnection connection = connect(0);
		serverPreface();
		ClientCall call = started(connection, 1_000);
		advance(500);
		this.channel.writeInbound(FrameCodec.encodeResponse(UnpooledByteBufAllocator.DEFAULT, call.callId,
				(packer) -> packer.packString("hi")));
		assertThat(call).isCompletedWithValue("hi");
		advance(5_000);
		assertThat(readOutboundFrame()).isNull();
		assertThat(connection.pendingCount()).isZero();
	}

	@Test
	void deadlineScanFollowsTheEarliestDeadlineAndThenTheNext() throws Exception {
		ClientConnection connection = connect(0);
		serverPreface();
		ClientCall later = started(connection, 3_000);
		ClientCall earlier = started(connection, 1_000);
		advance(1_000);
		assertThat(earlier).isCompletedExceptionally();
		assertThat(readOutboundFrame()).isEqualTo(new Frame.Cancel(earlier.callId, RpcStatus.DEADLINE_EXCEEDED));
		assertThat(later).isNotDone();
		advance(1_999);
		assertThat(later).isNotDone();
		assertThat(readOutboundFrame()).isNull();
		advance(1);
		assertThat(later).isCompletedExceptionally();
		assertThat(readOutboundFrame()).isEqualTo(new Frame.Cancel(later.callId, RpcStatus.DEADLINE_EXCEEDED));
	}

}
