package io.easyrpc.benchmark.targets;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

import io.easyrpc.benchmark.grpc.EchoGrpc;
import io.easyrpc.benchmark.grpc.EchoMessage;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;

/**
 * The gRPC-java server under test, written the usual way: a generated service base class
 * on grpc-netty-shaded, with gRPC's default executor or, given {@code direct}, with
 * {@code directExecutor()}.
 */
public final class GrpcEchoServer {

	private GrpcEchoServer() {
	}

	/**
	 * Start the server and print {@code READY <port>}.
	 * @param args {@code default} or {@code direct}
	 * @throws IOException if the server cannot bind
	 * @throws InterruptedException if interrupted while serving
	 */
	public static void main(String[] args) throws IOException, InterruptedException {
		boolean direct = args.length > 0 && "direct".equals(args[0]);
		NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
			.addService(new EchoService());
		if (direct) {
			builder.directExecutor();
		}
		Server server = builder.build().start();
		Runtime.getRuntime().addShutdownHook(new Thread(() -> {
			try {
				server.shutdown().awaitTermination(5, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}, "grpc-shutdown"));
		ServerSupport.ready(server.getPort());
		server.awaitTermination();
	}

	static final class EchoService extends EchoGrpc.EchoImplBase {

		@Override
		public void echo(EchoMessage request, StreamObserver<EchoMessage> responseObserver) {
			responseObserver.onNext(request);
			responseObserver.onCompleted();
		}

	}

}
