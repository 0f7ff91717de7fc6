package io.easyrpc.benchmark.driver;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Keeps {@code concurrency} calls outstanding: each slot starts its next call from the
 * completion of the previous one. Latencies are recorded only while measuring. The loop
 * stops issuing after {@code maxCalls} calls, after too many errors, or when told to.
 */
final class ClosedLoop implements LoadTarget.Completion {

	private static final long MAX_ERRORS = 100_000;

	private final LoadTarget target;

	private final int concurrency;

	private final long maxCalls;

	private final long[] startNanos;

	private final Recorder recorder = new Recorder(3);

	private final LongAdder windowErrors = new LongAdder();

	private final AtomicLong totalErrors = new AtomicLong();

	private final AtomicLong issued = new AtomicLong();

	private final AtomicInteger active = new AtomicInteger();

	private final CountDownLatch drained = new CountDownLatch(1);

	private final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor((task) -> {
		Thread thread = new Thread(task, "closed-loop-retry");
		thread.setDaemon(true);
		return thread;
	});

	private volatile boolean measuring;

	private volatile boolean stopping;

	ClosedLoop(LoadTarget target, int concurrency, long maxCalls) {
		this.target = target;
		this.concurrency = concurrency;
		this.maxCalls = maxCalls;
		this.startNanos = new long[concurrency];
	}

	void start() {
		this.active.set(this.concurrency);
		for (int slot = 0; slot < this.concurrency; slot++) {
			issue(slot);
		}
	}

	void startMeasuring() {
		this.recorder.reset();
		this.windowErrors.reset();
		this.measuring = true;
	}

	Histogram stopMeasuring() {
		this.measuring = false;
		return this.recorder.getIntervalHistogram();
	}

	long windowErrors() {
		return this.windowErrors.sum();
	}

	long totalErrors() {
		return this.totalErrors.get();
	}

	boolean isStopping() {
		return this.stopping;
	}

	/**
	 * Stop issuing calls and wait for the outstanding ones.
	 * @param timeoutMillis how long to wait
	 * @return whether every call finished in time
	 */
	boolean stop(long timeoutMillis) throws InterruptedException {
		this.stopping = true;
		boolean done = this.drained.await(timeoutMillis, TimeUnit.MILLISECONDS);
		this.retries.shutdownNow();
		return done;
	}

	private void issue(int slot) {
		long id = this.issued.incrementAndGet();
		if (this.stopping || id > this.maxCalls) {
			this.stopping = true;
			if (this.active.decrementAndGet() == 0) {
				this.drained.countDown();
			}
			return;
		}
		this.startNanos[slot] = System.nanoTime();
		try {
			this.target.call(slot, id, this);
		}
		catch (RuntimeException ex) {
			failed(slot);
		}
	}

	@Override
	public void completed(int slot, boolean success) {
		long latency = System.nanoTime() - this.startNanos[slot];
		if (!success) {
			failed(slot);
			return;
		}
		if (this.measuring) {
			this.recorder.recordValue(latency);
		}
		issue(slot);
	}

	// A failed call is retried from another thread a little later: a call that fails
	// synchronously must not recurse, and a broken target must not spin.
	private void failed(int slot) {
		if (this.measuring) {
			this.windowErrors.increment();
		}
		if (this.totalErrors.incrementAndGet() > MAX_ERRORS) {
			this.stopping = true;
		}
		try {
			this.retries.schedule(() -> issue(slot), 1, TimeUnit.MILLISECONDS);
		}
		catch (RuntimeException ex) {
			// Shut down: the loop is over.
		}
	}

}
