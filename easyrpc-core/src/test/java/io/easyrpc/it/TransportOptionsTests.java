package io.easyrpc.it;

import io.easyrpc.RpcException;
import io.easyrpc.RpcStatus;
import io.easyrpc.client.RpcChannel;
import io.easyrpc.server.RpcServer;
import io.easyrpc.transport.RpcAddress;
import io.easyrpc.transport.TransportOptions;
import io.easyrpc.transport.TransportResources;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * One {@link TransportOptions} instance configures a server and a client alike.
 */
@ExtendWith(LeakDetectionExtension.class)
class TransportOptionsTests {

	private static final int LIMIT = 64 * 1024;

	private final RpcFixture rpc = new RpcFixture();

	@AfterEach
	void close() {
		this.rpc.close();
	}

	@Test
	void serverAndClientShareEventLoopsAndFrameLimit() {
		TransportResources resources = new TransportResources("easyrpc-shared", 1);
		this.rpc.onClose(resources::close);
		TransportOptions options = TransportOptions.builder().transportResources(resources).maxFrameSize(LIMIT).build();
		RpcServer server = this.rpc.server(RpcAddress.tcp("127.0.0.1", 0),
				(builder) -> builder.transportOptions(options),
				RpcFixture.definitions(new FrameSizeTests.BlobService()));
		RpcChannel channel = this.rpc.channel(RpcFixture.address(server),
				(builder) -> builder.transportOptions(options));
		FrameSizeTests.Blobs blobs = this.rpc.client(FrameSizeTests.Blobs.class, channel);
		assertThat(blobs.length(new byte[16])).isEqualTo(16);
		assertThatExceptionOfType(RpcException.class).isThrownBy(() -> blobs.length(new byte[LIMIT + 1]))
			.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(RpcStatus.RESOURCE_EXHAUSTED))
			.withMessageContaining("server's maximum frame size of " + LIMIT);
		assertThatExceptionOfType(RpcException.class).isThrownBy(() -> blobs.create(LIMIT + 1))
			.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(RpcStatus.RESOURCE_EXHAUSTED))
			.withMessageContaining("client's maximum frame size of " + LIMIT);
		channel.close();
		RpcChannel next = this.rpc.channel(RpcFixture.address(server), (builder) -> builder.transportOptions(options));
		assertThat(this.rpc.client(FrameSizeTests.Blobs.class, next).length(new byte[16])).isEqualTo(16);
	}

	@Test
	void settersCalledAfterTheOptionsOverrideThem() {
		TransportOptions options = TransportOptions.builder().maxFrameSize(LIMIT).build();
		RpcServer server = this.rpc.server(RpcAddress.tcp("127.0.0.1", 0),
				(builder) -> builder.transportOptions(options).maxFrameSize(2 * LIMIT),
				RpcFixture.definitions(new FrameSizeTests.BlobService()));
		RpcChannel channel = this.rpc.channel(RpcFixture.address(server),
				(builder) -> builder.transportOptions(options).maxFrameSize(2 * LIMIT));
		FrameSizeTests.Blobs blobs = this.rpc.client(FrameSizeTests.Blobs.class, channel);
		assertThat(blobs.length(new byte[LIMIT + 1])).isEqualTo(LIMIT + 1);
		assertThat(blobs.create(LIMIT + 1)).hasSize(LIMIT + 1);
	}

	@Test
	void tlsContextOfTheWrongSideIsRefused() {
		TestPki pki = TestPki.create("options");
		TransportOptions client = TransportOptions.builder().sslContext(pki.clientContext(false)).build();
		TransportOptions server = TransportOptions.builder().sslContext(pki.serverContext()).build();
		assertThatIllegalArgumentException().isThrownBy(() -> RpcServer.builder().transportOptions(client))
			.withMessageContaining("server TLS context");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> RpcChannel.builder(RpcAddress.tcp("127.0.0.1", 1)).transportOptions(server))
			.withMessageContaining("client TLS context");
	}

	@Test
	void builderStartsFromExistingOptionsAndChecksItsValues() {
		TransportOptions options = TransportOptions.builder().ioThreads(2).maxFrameSize(LIMIT).build();
		TransportOptions copy = options.toBuilder().ioThreads(3).build();
		assertThat(copy.maxFrameSize()).isEqualTo(LIMIT);
		assertThat(copy.ioThreads()).isEqualTo(3);
		assertThat(options.ioThreads()).isEqualTo(2);
		assertThat(TransportOptions.defaults().maxFrameSize()).isEqualTo(TransportOptions.DEFAULT_MAX_FRAME_SIZE);
		assertThat(TransportOptions.defaults().sslContextSupplier()).isNull();
		assertThatIllegalArgumentException().isThrownBy(() -> TransportOptions.builder().maxFrameSize(63));
		assertThatIllegalArgumentException().isThrownBy(() -> TransportOptions.builder().ioThreads(-1));
	}

}
