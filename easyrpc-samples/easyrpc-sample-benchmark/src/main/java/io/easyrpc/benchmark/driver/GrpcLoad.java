package io.easyrpc.benchmark.driver;

import java.util.concurrent.TimeUnit;

import com.google.protobuf.ByteString;
import io.easyrpc.benchmark.grpc.EchoGrpc;
import io.easyrpc.benchmark.grpc.EchoMessage;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;

/**
 * Calls the gRPC server with the generated async stub, a 10 second deadline per call, and
 * either gRPC's default callback executor or {@code directExecutor()}.
 */
final class GrpcLoad implements LoadTarget {

	private final ManagedChannel channel;

	private final EchoGrpc.EchoStub stub;

	private final ByteString data;

	private final int deadlineSeconds;

	GrpcLoad(int port, byte[] data, boolean direct, int deadlineSeconds) {
		NettyChannelBuilder builder = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext();
		if (direct) {
			builder.directExecutor();
		}
		this.channel = builder.build();
		this.stub = EchoGrpc.newStub(this.channel);
		this.data = ByteString.copyFrom(data);
		this.deadlineSeconds = deadlineSeconds;
	}

	@Override
	public void call(int slot, long id, Completion completion) {
		EchoMessage request = EchoMessage.newBuilder().setId(id).setName(NAME).setData(this.data).build();
		EchoGrpc.EchoStub stub = (this.deadlineSeconds > 0)
				? this.stub.withDeadlineAfter(this.deadlineSeconds, TimeUnit.SECONDS) : this.stub;
		stub.echo(request, new StreamObserver<>() {

			private boolean matches;

			@Override
			public void onNext(EchoMessage echoed) {
				this.matches = echoed.getId() == id && echoed.getData().size() == GrpcLoad.this.data.size();
			}

			@Override
			public void onError(Throwable failure) {
				completion.completed(slot, false);
			}

			@Override
			public void onCompleted() {
				completion.completed(slot, this.matches);
			}

		});
	}

	@Override
	public void close() {
		this.channel.shutdownNow();
		try {
			this.channel.awaitTermination(5, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
