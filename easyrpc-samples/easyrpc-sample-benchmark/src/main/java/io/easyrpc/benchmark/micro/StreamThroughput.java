package io.easyrpc.benchmark.micro;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;

import io.easyrpc.client.ClientDefinition;
import io.easyrpc.client.ClientProxyFactory;
import io.easyrpc.client.ExceptionFactory;
import io.easyrpc.client.RpcChannel;
import io.easyrpc.codec.ObjectCodec;
import io.easyrpc.server.RpcServer;
import io.easyrpc.server.ServiceDefinition;
import io.easyrpc.server.ServiceRegistry;
import io.easyrpc.transport.RpcAddress;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;

/**
 * Measures server-stream throughput by hand: items of 64 bytes per second over loopback,
 * with one stream and with 16 concurrent streams on one connection, for a server
 * {@code Stream} read through a client {@code Iterator} and a server {@code Flux} read
 * through a client {@code Flux}. Not a test; no timing is asserted anywhere.
 * <p>
 * Run from the repository root with
 * {@code easyrpc-samples/easyrpc-sample-benchmark/micro.sh StreamThroughput [arguments]}.
 * <p>
 * Arguments: seconds per run (5), rounds (3) and the client's stream window (32).
 */
public final class StreamThroughput {

	private static final ObjectCodec CODEC = ObjectCodec.createDefault();

	private static final byte[] ITEM = new byte[64];

	private StreamThroughput() {
	}

	public static void main(String[] args) throws Exception {
		int seconds = (args.length > 0) ? Integer.parseInt(args[0]) : 5;
		int rounds = (args.length > 1) ? Integer.parseInt(args[1]) : 3;
		int window = (args.length > 2) ? Integer.parseInt(args[2]) : 32;
		Arrays.fill(ITEM, (byte) 'x');
		ServiceRegistry registry = new ServiceRegistry(CODEC);
		registry.register(ServiceDefinition.builder(new ItemsService()).build());
		RpcServer server = RpcServer.builder()
			.address(RpcAddress.tcp("127.0.0.1", 0))
			.registry(registry)
			.codec(CODEC)
			.build();
		server.start();
		try (RpcChannel channel = RpcChannel.builder(RpcAddress.tcp("127.0.0.1", server.port()))
			.codec(CODEC)
			.streamWindow(window)
			.build()) {
			Items items = new ClientProxyFactory(new ExceptionFactory(List.of(), null))
				.createProxy(ClientDefinition.of(Items.class, Duration.ofMinutes(10)), channel);
			System.out.printf("%d s per run, %d rounds, items of %d bytes, stream window %d%n", seconds, rounds,
					ITEM.length, window);
			run(items, 1, Duration.ofSeconds(2), true);
			run(items, 1, Duration.ofSeconds(2), false);
			for (int round = 1; round <= rounds; round++) {
				for (int streams : new int[] { 1, 16 }) {
					double iterator = run(items, streams, Duration.ofSeconds(seconds), true);
					double flux = run(items, streams, Duration.ofSeconds(seconds), false);
					System.out.printf(
							"round %d, %2d stream%s: Stream->Iterator %,.0f items/s, Flux->Flux %,.0f items/s%n", round,
							streams, (streams == 1) ? " " : "s", iterator, flux);
				}
			}
		}
		finally {
			server.stop(Duration.ZERO);
		}
	}

	private static double run(Items items, int streams, Duration duration, boolean iterator) throws Exception {
		LongAdder received = new LongAdder();
		long end = System.nanoTime() + duration.toNanos();
		CountDownLatch done = new CountDownLatch(streams);
		List<Thread> threads = new ArrayList<>();
		long start = System.nanoTime();
		for (int i = 0; i < streams; i++) {
			if (iterator) {
				Thread thread = new Thread(() -> {
					try (Stream<byte[]> stream = items.stream()) {
						Iterator<byte[]> it = stream.iterator();
						long count = 0;
						while (it.hasNext()) {
							it.next();
							if ((++count & 255) == 0 && System.nanoTime() - end >= 0) {
								break;
							}
						}
						received.add(count);
					}
					done.countDown();
				});
				threads.add(thread);
				thread.start();
			}
			else {
				items.flux().subscribe(new BaseSubscriber<>() {

					private long count;

					@Override
					protected void hookOnNext(byte[] value) {
						if ((++this.count & 255) == 0 && System.nanoTime() - end >= 0) {
							cancel();
							received.add(this.count);
							done.countDown();
						}
					}

				});
			}
		}
		done.await();
		long elapsed = System.nanoTime() - start;
		for (Thread thread : threads) {
			thread.join();
		}
		return received.sum() * 1e9 / elapsed;
	}

	/**
	 * Endless streams of the same item.
	 */
	public interface Items {

		Stream<byte[]> stream();

		Flux<byte[]> flux();

	}

	static final class ItemsService implements Items {

		@Override
		public Stream<byte[]> stream() {
			return Stream.generate(() -> ITEM);
		}

		@Override
		public Flux<byte[]> flux() {
			return Flux.generate((sink) -> sink.next(ITEM));
		}

	}

}
