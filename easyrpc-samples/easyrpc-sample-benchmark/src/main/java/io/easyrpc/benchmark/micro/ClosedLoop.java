package io.easyrpc.benchmark.micro;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * A bounded closed-loop load for the overhead measurements of this package: keeps a
 * number of asynchronous calls in flight for a fixed time, each completion starting the
 * next call from the thread that completed it, and reports the calls per second.
 */
public final class ClosedLoop {

	private ClosedLoop() {
	}

	/**
	 * Run the loop.
	 * @param call starts one call
	 * @param inFlight the number of calls kept in flight
	 * @param duration how long new calls are started
	 * @return the completed calls per second
	 * @throws InterruptedException if interrupted while waiting for the last calls
	 */
	public static double callsPerSecond(Supplier<? extends CompletionStage<?>> call, int inFlight, Duration duration)
			throws InterruptedException {
		LongAdder completed = new LongAdder();
		CountDownLatch chains = new CountDownLatch(inFlight);
		long start = System.nanoTime();
		long end = start + duration.toNanos();
		for (int i = 0; i < inFlight; i++) {
			next(call, end, completed, chains);
		}
		chains.await(duration.toSeconds() + 30, TimeUnit.SECONDS);
		double elapsed = (System.nanoTime() - start) / 1e9;
		return completed.sum() / elapsed;
	}

	private static void next(Supplier<? extends CompletionStage<?>> call, long end, LongAdder completed,
			CountDownLatch chains) {
		call.get().whenComplete((result, failure) -> {
			if (failure != null) {
				failure.printStackTrace();
				chains.countDown();
				return;
			}
			completed.increment();
			if (System.nanoTime() - end < 0) {
				next(call, end, completed, chains);
			}
			else {
				chains.countDown();
			}
		});
	}

}
