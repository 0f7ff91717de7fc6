package io.easyrpc.it;

import ch.qos.logback.classic.Level;
import io.easyrpc.RpcException;
import io.easyrpc.RpcStatus;
import io.easyrpc.client.RpcChannel;
import io.easyrpc.server.RpcServer;
import io.easyrpc.transport.RpcAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Frames larger than the receiver accepts fail the one call that would need them, on the
 * side that would send them, and leave the connection working.
 */
@ExtendWith(LeakDetectionExtension.class)
class FrameSizeTests {

	@RegisterExtension
	final ExpectedLogs logs = new ExpectedLogs();

	private static final int LIMIT = 64 * 1024;

	private final RpcFixture rpc = new RpcFixture();

	@AfterEach
	void close() {
		this.rpc.close();
	}

	@Test
	void requestLargerThanTheServerAcceptsFailsLocallyAndTheConnectionKeepsWorking() {
		RpcServer server = this.rpc.server(RpcAddress.tcp("127.0.0.1", 0), (builder) -> builder.maxFrameSize(LIMIT),
				RpcFixture.definitions(new BlobService()));
		RpcChannel channel = this.rpc.channel(server);
		Blobs blobs = this.rpc.client(Blobs.class, channel);
		assertThat(blobs.length(new byte[16])).isEqualTo(16);
		assertThatExceptionOfType(RpcException.class).isThrownBy(() -> blobs.length(new byte[LIMIT + 1]))
			.satisfies((ex) -> {
				assertThat(ex.getStatus()).isEqualTo(RpcStatus.RESOURCE_EXHAUSTED);
				assertThat(ex.getRemoteClassName()).isNull();
			})
			.withMessageContaining("server's maximum frame size of " + LIMIT);
		assertThat(blobs.length(new byte[LIMIT - 1024])).isEqualTo(LIMIT - 1024);
		assertThat(server.connectionCount()).isEqualTo(1);
		assertThat(server.connections().get(0).calls()).isEqualTo(2);
	}

	@Test
	void firstRequestIsCheckedAgainstTheServersLimitNotTheClients() {
		RpcServer server = this.rpc.tcpServer(new BlobService());
		RpcChannel channel = this.rpc.channel(RpcFixture.address(server), (builder) -> builder.maxFrameSize(LIMIT));
		Blobs blobs = this.rpc.client(Blobs.class, channel);
		assertThat(blobs.length(new byte[2 * LIMIT])).isEqualTo(2 * LIMIT);
	}

	@Test
	void firstRequestLargerThanTheServerAcceptsFailsLocallyWithoutBreakingTheConnection() throws Exception {
		RpcServer server = this.rpc.server(RpcAddress.tcp("127.0.0.1", 0), (builder) -> builder.maxFrameSize(LIMIT),
				RpcFixture.definitions(new BlobService()));
		RpcChannel channel = this.rpc.channel(server);
		Blobs blobs = this.rpc.client(Blobs.class, channel);
		java.util.concurrent.CompletableFuture<Integer> small = blobs.lengthAsync(new byte[16]);
		java.util.concurrent.CompletableFuture<Integer> large = blobs.lengthAsync(new byte[LIMIT + 1]);
		assertThat(small.get(5, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(16);
		org.assertj.core.api.Assertions.assertThatThrownBy(() -> large.get(5, java.util.concurrent.TimeUnit.SECONDS))
			.cause()
			.isInstanceOfSatisfying(RpcException.class,
					(ex) -> assertThat(ex.getStatus()).isEqualTo(RpcStatus.RESOURCE_EXHAUSTED))
			.hasMessageContaining("server's maximum frame size of " + LIMIT);
		assertThat(blobs.length(new byte[16])).isEqualTo(16);
		assertThat(server.connections()).singleElement()
			.satisfies((connection) -> assertThat(connection.calls()).isEqualTo(2));
	}

	@Test
	void resultLargerThanTheClientAcceptsFailsAndTheConnectionKeepsWorking() {
		RpcServer server = this.rpc.tcpServer(new BlobService());
		RpcChannel channel = this.rpc.channel(RpcFixture.address(server), (builder) -> builder.maxFrameSize(LIMIT));
		Blobs blobs = this.rpc.client(Blobs.class, channel);
		assertThat(blobs.create(16)).hasSize(16);
		assertThatExceptionOfType(RpcException.class).isThrownBy(() -> blobs.create(LIMIT + 1))
			.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(RpcStatus.RESOURCE_EXHAUSTED))
			.withMessageContaining("client's maximum frame size of " + LIMIT);
		assertThat(blobs.create(LIMIT - 1024)).hasSize(LIMIT - 1024);
		assertThat(server.connectionCount()).isEqualTo(1);
		assertThat(channel.state()).isEqualTo(RpcChannel.State.READY);
	}

	@Test
	void errorLargerThanTheClientAcceptsIsShortenedAndTheConnectionKeepsWorking() {
		this.logs.expect(RpcServer.class, Level.WARN, "easyrpc method Blobs.fail threw an unexpected exception");
		RpcServer server = this.rpc.server(RpcAddress.tcp("127.0.0.1", 0), (builder) -> builder.exposeStackTraces(true),
				RpcFixture.definitions(new BlobService()));
		RpcChannel channel = this.rpc.channel(RpcFixture.address(server), (builder) -> builder.maxFrameSize(LIMIT));
		Blobs blobs = this.rpc.client(Blobs.class, channel);
		assertThat(blobs.create(16)).hasSize(16);
		assertThatExceptionOfType(IllegalArgumentException.class).isThrownBy(() -> blobs.fail(2 * LIMIT))
			.satisfies((ex) -> assertThat(ex.getMessage()).startsWith("xxxxxxxx").hasSizeLessThan(LIMIT));
		assertThat(blobs.create(16)).hasSize(16);
		assertThat(server.connectionCount()).isEqualTo(1);
	}

	public interface Blobs {

		int length(byte[] data);

		java.util.concurrent.CompletableFuture<Integer> lengthAsync(byte[] data);

		byte[] create(int size);

		void fail(int messageLength);

	}

	static class BlobService implements Blobs {

		@Override
		public int length(byte[] data) {
			return data.length;
		}

		@Override
		public java.util.concurrent.CompletableFuture<Integer> lengthAsync(byte[] data) {
			return java.util.concurrent.CompletableFuture.completedFuture(data.length);
		}

		@Override
		public byte[] create(int size) {
			return new byte[size];
		}

		@Override
		public void fail(int messageLength) {
			throw new IllegalArgumentException("x".repeat(messageLength));
		}

	}

}
