package io.easyrpc.benchmark.targets;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.easyrpc.annotation.RpcService;
import io.easyrpc.benchmark.api.BenchmarkService;
import io.easyrpc.benchmark.api.Payload;

/**
 * Echoes the payload: the work of the call is the RPC machinery alone. The overload
 * methods add a trivial asynchronous call and one of known capacity.
 */
@RpcService
public class BenchmarkServiceImpl implements BenchmarkService {

	/**
	 * The permits of {@link #work(int)}, from system property
	 * {@code benchmark.work.permits} (default 8).
	 */
	static final int WORK_PERMITS = Integer.getInteger("benchmark.work.permits", 8);

	// One thread per permit: a call holds its thread for its time, the rest queue.
	private final ExecutorService permits = Executors.newFixedThreadPool(WORK_PERMITS, (task) -> {
		Thread thread = new Thread(task, "benchmark-work");
		thread.setDaemon(true);
		return thread;
	});

	@Override
	public Payload echo(Payload payload) {
		return payload;
	}

	@Override
	public Payload echoNonBlocking(Payload payload) {
		return payload;
	}

	@Override
	public CompletableFuture<Integer> plusOne(int value) {
		return CompletableFuture.supplyAsync(() -> value + 1);
	}

	@Override
	public CompletableFuture<Integer> work(int millis) {
		CompletableFuture<Integer> result = new CompletableFuture<>();
		this.permits.execute(() -> {
			try {
				TimeUnit.MILLISECONDS.sleep(millis);
				result.complete(millis);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				result.completeExceptionally(ex);
			}
		});
		return result;
	}

	@Override
	public Stream<Integer> numbers(int count) {
		return Stream.iterate(0, (i) -> i + 1).limit(count);
	}

}
