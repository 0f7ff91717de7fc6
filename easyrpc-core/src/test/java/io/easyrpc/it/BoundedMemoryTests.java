package io.easyrpc.it;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.easyrpc.RpcStatus;
import io.easyrpc.client.RpcChannel;
import io.easyrpc.internal.protocol.Frame;
import io.easyrpc.internal.protocol.Metadata;
import io.easyrpc.server.RpcServer;
import io.easyrpc.transport.RpcAddress;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The memory bounds of a server over real sockets: the budget for frames that have not
 * fully arrived, shared by all connections; the frame timeout; the outbound limit for a
 * client that does not read. A connection that is refused always gets a {@code GOAWAY}
 * frame that says why.
 */
@ExtendWith(LeakDetectionExtension.class)
class BoundedMemoryTests {

	private static final int MIB = 1024 * 1024;

	private final RpcFixture rpc = new RpcFixture();

	@AfterEach
	void close() {
		this.rpc.close();
	}

	private RpcServer server(java.util.function.Consumer<RpcServer.Builder> customizer) {
		return this.rpc.server(RpcAddress.tcp("127.0.0.1", 0), customizer, RpcFixture.definitions(new BlobService()));
	}

	@Test
	void manyLargeFramesUnderASmallBudgetAreAllAnsweredAndNoConnectionIsClosed() throws Exception {
		// Room for about two frames at once, for twelve connections sending one each.
		RpcServer server = server((builder) -> builder.maxInboundMemory(2 * MIB + MIB / 2));
		List<RpcChannel> channels = new ArrayList<>();
		List<CompletableFuture<Integer>> results = new ArrayList<>();
		for (int i = 0; i < 12; i++) {
			channels.add(this.rpc.channel(server));
		}
		for (RpcChannel channel : channels) {
			results.add(this.rpc.client(Blobs.class, channel).lengthAsync(new byte[MIB]));
		}
		for (CompletableFuture<Integer> result : results) {
			assertThat(result.get(30, TimeUnit.SECONDS)).isEqualTo(MIB);
		}
		assertThat(server.connectionCount()).isEqualTo(12);
		for (RpcChannel channel : channels) {
			assertThat(channel.state()).isEqualTo(RpcChannel.State.READY);
			assertThat(this.rpc.client(Blobs.class, channel).length(new byte[16])).isEqualTo(16);
		}
	}

	@Test
	void frameLargerThanTheWholeBudgetIsRefusedWithAGoAwayThatSaysWhy() throws Exception {
		RpcServer server = server((builder) -> builder.maxInboundMemory(256 * 1024));
		try (RawConnection raw = new RawConnection(server.port())) {
			raw.sendPreface(MIB);
			raw.readPreface();
			raw.send(frameStart(MIB, 1000));
			assertThat(raw.readFrame()).isInstanceOfSatisfying(Frame.GoAway.class, (goAway) -> {
				assertThat(RpcStatus.fromCode(goAway.statusCode())).isEqualTo(RpcStatus.RESOURCE_EXHAUSTED);
				assertThat(goAway.message()).contains("Frame of " + MIB + " bytes cannot be buffered")
					.contains("inbound memory limit is 262144 bytes");
			});
			assertThat(raw.awaitClosedByServer()).isTrue();
		}
	}

	@Test
	void frameThatDoesNotArriveWithinTheFrameTimeoutEndsTheConnectionWithAGoAway() throws Exception {
		RpcServer server = server((builder) -> builder.frameTimeout(Duration.ofMillis(300)));
		try (RawConnection raw = new RawConnection(server.port())) {
			raw.sendPreface(MIB);
			raw.readPreface();
			raw.send(frameStart(100_000, 1000));
			assertThat(raw.readFrame()).isInstanceOfSatisfying(Frame.GoAway.class, (goAway) -> {
				assertThat(RpcStatus.fromCode(goAway.statusCode())).isEqualTo(RpcStatus.RESOURCE_EXHAUSTED);
				assertThat(goAway.message()).contains("Frame of 100000 bytes not received within 300 ms")
					.contains("1000 bytes arrived");
			});
			assertThat(raw.awaitClosedByServer()).isTrue();
		}
	}

	@Test
	void clientThatDoesNotReadIsDisconnectedOnceTheOutboundLimitIsReached() throws Exception {
		RpcServer server = server((builder) -> builder.maxOutboundPerConnection(MIB));
		try (RawConnection raw = new RawConnection(server.port())) {
			raw.sendPreface(16 * MIB);
			raw.readPreface();
			byte[] arguments = arguments(256 * 1024);
			// Far more than the socket buffers and the limit hold together; the client
			// reads nothing meanwhile.
			for (int callId = 1; callId <= 200 && !closed(server); callId++) {
				try {
					raw.sendRequest(callId, "Blobs.create", Metadata.EMPTY, (packer) -> packer.writePayload(arguments));
				}
				catch (IOException ex) {
					// The server closed the connection while the client was sending.
					break;
				}
			}
			await().atMost(Duration.ofSeconds(20)).until(() -> closed(server));
			assertThat(raw.awaitClosedByServer()).isTrue();
		}
	}

	// The length prefix of a frame and the first bytes of its body.
	private static byte[] frameStart(int length, int bytes) {
		byte[] start = new byte[4 + bytes];
		Unpooled.wrappedBuffer(start).writerIndex(0).writeInt(length);
		return start;
	}

	private static boolean closed(RpcServer server) {
		return server.connectionCount() == 0;
	}

	private static byte[] arguments(int size) throws IOException {
		try (MessageBufferPacker packer = MessagePack.newDefaultBufferPacker()) {
			packer.packArrayHeader(1);
			packer.packInt(size);
			return packer.toByteArray();
		}
	}

	public interface Blobs {

		int length(byte[] data);

		CompletableFuture<Integer> lengthAsync(byte[] data);

		byte[] create(int size);

	}

	static class BlobService implements Blobs {

		@Override
		public int length(byte[] data) {
			return data.length;
		}

		@Override
		public CompletableFuture<Integer> lengthAsync(byte[] data) {
			return CompletableFuture.completedFuture(data.length);
		}

		@Override
		public byte[] create(int size) {
			return new byte[size];
		}

	}

}
