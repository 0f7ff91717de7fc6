package io.easyrpc.benchmark.micro;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.easyrpc.client.ClientDefinition;
import io.easyrpc.client.ClientProxyFactory;
import io.easyrpc.client.ExceptionFactory;
import io.easyrpc.client.RpcChannel;
import io.easyrpc.codec.ObjectCodec;
import io.easyrpc.server.RpcServer;
import io.easyrpc.server.ServiceDefinition;
import io.easyrpc.server.ServiceRegistry;
import io.easyrpc.transport.RpcAddress;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Measures client-stream throughput by hand: items of 64 bytes per second from client to
 * server over loopback, with one stream and with 16 concurrent streams on one connection.
 * The client streams a {@code Flux} that the server counts. Not a test; no timing is
 * asserted anywhere.
 * <p>
 * Run from the repository root with
 * {@code easyrpc-samples/easyrpc-sample-benchmark/micro.sh ClientStreamThroughput [arguments]}.
 * <p>
 * Arguments: seconds per run (5) and rounds (3).
 */
public final class ClientStreamThroughput {

	private static final ObjectCodec CODEC = ObjectCodec.createDefault();

	private static final byte[] ITEM = new byte[64];

	private ClientStreamThroughput() {
	}

	public static void main(String[] args) throws Exception {
		int seconds = (args.length > 0) ? Integer.parseInt(args[0]) : 5;
		int rounds = (args.length > 1) ? Integer.parseInt(args[1]) : 3;
		Arrays.fill(ITEM, (byte) 'x');
		ServiceRegistry registry = new ServiceRegistry(CODEC);
		registry.register(ServiceDefinition.builder(new SinkService()).build());
		RpcServer server = RpcServer.builder()
			.address(RpcAddress.tcp("127.0.0.1", 0))
			.registry(registry)
			.codec(CODEC)
			.build();
		server.start();
		try (RpcChannel channel = RpcChannel.builder(RpcAddress.tcp("127.0.0.1", server.port())).codec(CODEC).build()) {
			Sink sink = new ClientProxyFactory(new ExceptionFactory(List.of(), null)).createProxy(
					new ClientDefinition(Sink.class, "SinkService", null, Duration.ofMinutes(10), null), channel);
			System.out.printf("%d s per run, %d rounds, items of %d bytes, client to server%n", seconds, rounds,
					ITEM.length);
			run(sink, 1, Duration.ofSeconds(2));
			for (int round = 1; round <= rounds; round++) {
				for (int streams : new int[] { 1, 16 }) {
					double rate = run(sink, streams, Duration.ofSeconds(seconds));
					System.out.printf("round %d, %2d stream%s: Flux->Flux %,.0f items/s%n", round, streams,
							(streams == 1) ? " " : "s", rate);
				}
			}
		}
		finally {
			server.stop(Duration.ZERO);
		}
	}

	private static double run(Sink sink, int streams, Duration duration) {
		long end = System.nanoTime() + duration.toNanos();
		long start = System.nanoTime();
		List<CompletableFuture<Long>> counts = new ArrayList<>();
		for (int i = 0; i < streams; i++) {
			Flux<byte[]> items = Flux.generate(() -> 0L, (count, emitter) -> {
				if ((count & 255) == 0 && System.nanoTime() - end >= 0) {
					emitter.complete();
				}
				else {
					emitter.next(ITEM);
				}
				return count + 1;
			});
			counts.add(sink.count(items));
		}
		long total = 0;
		for (CompletableFuture<Long> count : counts) {
			total += count.join();
		}
		long elapsed = System.nanoTime() - start;
		return total * 1e9 / elapsed;
	}

	/**
	 * Counts the items a client streams.
	 */
	public interface Sink {

		CompletableFuture<Long> count(Flux<byte[]> items);

	}

	public static final class SinkService {

		public Mono<Long> count(Flux<byte[]> items) {
			return items.count();
		}

	}

}
