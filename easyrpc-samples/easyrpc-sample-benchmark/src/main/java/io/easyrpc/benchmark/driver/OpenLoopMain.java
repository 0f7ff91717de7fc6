package io.easyrpc.benchmark.driver;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

import io.easyrpc.RpcException;
import io.easyrpc.benchmark.api.BenchmarkClient;
import io.easyrpc.benchmark.api.BenchmarkService;
import io.easyrpc.client.ClientDefinition;
import io.easyrpc.client.ClientProxyFactory;
import io.easyrpc.client.ExceptionFactory;
import io.easyrpc.client.RpcChannel;
import io.easyrpc.codec.ObjectCodec;
import io.easyrpc.transport.RpcAddress;
import org.HdrHistogram.Histogram;

/**
 * The open-loop driver: issues calls at a fixed arrival rate, whether earlier calls have
 * answered or not, as independent users would, and prints one JSON line: goodput (calls
 * that succeeded within their deadline, per second), latency percentiles of the
 * successful calls, failures by status, and the share of calls issued after the first
 * second that failed (the cold-start figure), and for each second of arrivals the calls
 * that succeeded, failed and the p99 latency in milliseconds of the successful ones.
 * <p>
 * Arguments: {@code --port N --rate CALLS_PER_SECOND --duration SECONDS --deadline-ms MS
 * --method plusOne|work [--work-ms MS]}. With {@code --method stream [--count N]} it
 * reads one server stream of N numbers (default 200 000) instead and prints how long it
 * took; {@code --stream-timeout-ms 0} gives the stream no deadline (default: the unary
 * one). With {@code --calibrate C} it runs a closed loop of {@code C} callers instead
 * (one caller gives the unloaded latency, enough callers the capacity).
 * {@code --warmup SECONDS} first runs a closed loop of 8 callers in the same JVM, so that
 * the measured phase finds the client warm.
 * {@code --warmup-kind channel [--warmup-calls N]} first runs
 * {@link RpcChannel#warmUp(int, Duration)} (connect, then N reflection calls, default
 * 20), {@code ping} one ping, {@code method} N calls of the measured method one after the
 * other, {@code none} (the default) nothing. Every loop is bounded: at most
 * {@code rate × duration} calls, and the JVM halts 30 s after the last arrival whatever
 * is outstanding.
 */
public final class OpenLoopMain {

	private OpenLoopMain() {
	}

	/**
	 * Run one case.
	 * @param args see the class description
	 * @throws Exception on failure
	 */
	public static void main(String[] args) throws Exception {
		Map<String, String> options = new TreeMap<>();
		for (int i = 0; i + 1 < args.length; i += 2) {
			options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
		}
		int port = Integer.parseInt(options.get("port"));
		double rate = Double.parseDouble(options.getOrDefault("rate", "1000"));
		double duration = Double.parseDouble(options.getOrDefault("duration", "5"));
		long deadlineMs = Long.parseLong(options.getOrDefault("deadline-ms", "2000"));
		String method = options.getOrDefault("method", "plusOne");
		int workMs = Integer.parseInt(options.getOrDefault("work-ms", "10"));
		int calibrate = Integer.parseInt(options.getOrDefault("calibrate", "0"));
		double warmup = Double.parseDouble(options.getOrDefault("warmup", "0"));
		long streamTimeoutMs = Long.parseLong(options.getOrDefault("stream-timeout-ms", "-1"));
		startWatchdog(warmup + duration + deadlineMs / 1000.0 + 30);

		RpcChannel channel = RpcChannel.builder(RpcAddress.tcp("127.0.0.1", port))
			.codec(ObjectCodec.createDefault())
			.build();
		BenchmarkClient client = new ClientProxyFactory(new ExceptionFactory(List.of(), null)).createProxy(
				new ClientDefinition(BenchmarkClient.class, BenchmarkService.NAME, null, Duration.ofMillis(deadlineMs),
						null, (streamTimeoutMs >= 0) ? Duration.ofMillis(streamTimeoutMs) : null, null),
				channel);
		Call call = (id) -> method.equals("work") ? client.work(workMs) : client.plusOne((int) id);
		String warmupKind = options.getOrDefault("warmup-kind", "none");
		int warmupCalls = Integer.parseInt(options.getOrDefault("warmup-calls", "20"));
		long warmStart = System.nanoTime();
		switch (warmupKind) {
			case "none" -> {
			}
			case "channel" -> channel.warmUp(warmupCalls, Duration.ofSeconds(10)).get();
			case "ping" -> channel.ping().get();
			case "method" -> {
				for (int i = 0; i < warmupCalls; i++) {
					call.start(i).get();
				}
			}
			default -> throw new IllegalArgumentException("Unknown --warmup-kind " + warmupKind);
		}
		if (!warmupKind.equals("none")) {
			System.err.printf(Locale.ROOT, "Warm-up (%s, %d calls): %.1f ms%n", warmupKind, warmupCalls,
					(System.nanoTime() - warmStart) / 1e6);
		}
		if (warmup > 0) {
			System.err.println("Warm-up: " + closedLoop(call, 8, warmup));
		}
		if (method.equals("stream")) {
			System.out.println(readStream(client, Integer.parseInt(options.getOrDefault("count", "200000"))));
			channel.close();
			System.exit(0);
		}
		String line = (calibrate > 0) ? closedLoop(call, calibrate, duration)
				: openLoop(call, rate, duration, deadlineMs, method);
		System.out.println(line);
		System.out.flush();
		channel.close();
		System.exit(0);
	}

	// One server stream read to its end by a Stream client, timed from the call.
	private static String readStream(BenchmarkClient client, int count) {
		long start = System.nanoTime();
		long first = 0;
		long items = 0;
		String failure = null;
		try (java.util.stream.Stream<Integer> numbers = client.numbers(count)) {
			java.util.Iterator<Integer> iterator = numbers.iterator();
			while (iterator.hasNext()) {
				iterator.next();
				if (items++ == 0) {
					first = System.nanoTime();
				}
			}
		}
		catch (RuntimeException ex) {
			failure = ex.toString();
		}
		double seconds = (System.nanoTime() - start) / 1e9;
		return String.format(Locale.ROOT,
				"{\"mode\":\"stream\",\"count\":%d,\"items\":%d,\"seconds\":%.3f,\"firstItemMs\":%.1f,"
						+ "\"itemsPerSecond\":%.0f,\"failure\":%s}",
				count, items, seconds, (first - start) / 1e6, items / seconds,
				(failure != null) ? "\"" + failure.replace("\"", "'") + "\"" : "null");
	}

	private static String openLoop(Call call, double rate, double duration, long deadlineMs, String method)
			throws InterruptedException {
		long total = (long) (rate * duration);
		double intervalNanos = 1e9 / rate;
		Histogram latencies = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
		Map<String, LongAdder> failures = new ConcurrentHashMap<>();
		LongAdder ok = new LongAdder();
		LongAdder failedAfterFirstSecond = new LongAdder();
		long issuedAfterFirstSecond = 0;
		CountDownLatch done = new CountDownLatch((int) total);
		AtomicLong lastCompletion = new AtomicLong();
		int seconds0 = (int) Math.ceil(duration);
		LongAdder[] okBySecond = new LongAdder[seconds0];
		LongAdder[] failedBySecond = new LongAdder[seconds0];
		Histogram[] latencyBySecond = new Histogram[seconds0];
		for (int s = 0; s < seconds0; s++) {
			okBySecond[s] = new LongAdder();
			failedBySecond[s] = new LongAdder();
			latencyBySecond[s] = new Histogram(TimeUnit.SECONDS.toNanos(60), 2);
		}
		long start = System.nanoTime();
		long firstSecond = start + TimeUnit.SECONDS.toNanos(1);
		for (long i = 0; i < total; i++) {
			long due = start + (long) (i * intervalNanos);
			long wait = due - System.nanoTime();
			if (wait > 0) {
				LockSupport.parkNanos(wait);
			}
			long issuedAt = System.nanoTime();
			boolean late = issuedAt - firstSecond >= 0;
			if (late) {
				issuedAfterFirstSecond++;
			}
			int second = (int) Math.min(seconds0 - 1, (issuedAt - start) / 1_000_000_000L);
			CompletableFuture<Integer> result;
			try {
				result = call.start(i);
			}
			catch (RuntimeException ex) {
				result = CompletableFuture.failedFuture(ex);
			}
			result.whenComplete((value, failure) -> {
				long now = System.nanoTime();
				lastCompletion.accumulateAndGet(now, Math::max);
				if (failure == null) {
					synchronized (latencies) {
						long latency = Math.min(now - issuedAt, latencies.getHighestTrackableValue());
						latencies.recordValue(latency);
						latencyBySecond[second].recordValue(latency);
					}
					okBySecond[second].increment();
					ok.increment();
				}
				else {
					failedBySecond[second].increment();
					failures.computeIfAbsent(status(failure), (key) -> new LongAdder()).increment();
					if (late) {
						failedAfterFirstSecond.increment();
					}
				}
				done.countDown();
			});
		}
		long issuedEnd = System.nanoTime();
		boolean drained = done.await(deadlineMs + 10_000, TimeUnit.MILLISECONDS);
		double offered = total / ((issuedEnd - start) / 1e9);
		// Goodput over the time from the first arrival to the last answer.
		double seconds = (Math.max(lastCompletion.get(), issuedEnd) - start) / 1e9;
		long afterFirstSecond = Math.max(1, issuedAfterFirstSecond);
		StringBuilder byStatus = new StringBuilder();
		failures.forEach((status, count) -> byStatus.append((byStatus.length() > 0) ? "," : "")
			.append('"')
			.append(status)
			.append("\":")
			.append(count.sum()));
		StringBuilder bySecond = new StringBuilder();
		synchronized (latencies) {
			for (int s = 0; s < seconds0; s++) {
				bySecond.append((s > 0) ? "," : "")
					.append(String.format(Locale.ROOT, "[%d,%d,%.0f]", okBySecond[s].sum(), failedBySecond[s].sum(),
							millis(latencyBySecond[s], 99)));
			}
			return String.format(Locale.ROOT,
					"{\"mode\":\"open\",\"method\":\"%s\",\"offeredPerSecond\":%.1f,\"calls\":%d,\"ok\":%d,"
							+ "\"goodputPerSecond\":%.1f,\"p50Ms\":%.2f,\"p99Ms\":%.2f,\"maxMs\":%.2f,"
							+ "\"failures\":{%s},\"failedAfterFirstSecondPercent\":%.2f,\"drained\":%b,"
							+ "\"bySecond\":[%s]}",
					method, offered, total, ok.sum(), ok.sum() / seconds, millis(latencies, 50), millis(latencies, 99),
					latencies.getMaxValue() / 1e6, byStatus, 100.0 * failedAfterFirstSecond.sum() / afterFirstSecond,
					drained, bySecond);
		}
	}

	// Callers that each start their next call when the previous one answers, for the
	// duration.
	private static String closedLoop(Call call, int callers, double duration) throws InterruptedException {
		Histogram latencies = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
		LongAdder ok = new LongAdder();
		LongAdder failed = new LongAdder();
		long end = System.nanoTime() + (long) (duration * 1e9);
		CountDownLatch done = new CountDownLatch(callers);
		for (int c = 0; c < callers; c++) {
			next(call, latencies, ok, failed, end, done);
		}
		done.await((long) (duration + 30), TimeUnit.SECONDS);
		synchronized (latencies) {
			long count = ok.sum();
			return String.format(Locale.ROOT,
					"{\"mode\":\"closed\",\"callers\":%d,\"ok\":%d,\"failed\":%d,\"callsPerSecond\":%.1f,"
							+ "\"p50Ms\":%.2f,\"p99Ms\":%.2f}",
					callers, count, failed.sum(), count / duration, millis(latencies, 50), millis(latencies, 99));
		}
	}

	private static void next(Call call, Histogram latencies, LongAdder ok, LongAdder failed, long end,
			CountDownLatch done) {
		long startedAt = System.nanoTime();
		if (startedAt - end >= 0) {
			done.countDown();
			return;
		}
		call.start(0).whenComplete((value, failure) -> {
			if (failure == null) {
				synchronized (latencies) {
					latencies
						.recordValue(Math.min(System.nanoTime() - startedAt, latencies.getHighestTrackableValue()));
				}
				ok.increment();
			}
			else {
				if (failed.sum() == 0) {
					System.err.println("First failure: " + failure);
				}
				failed.increment();
			}
			next(call, latencies, ok, failed, end, done);
		});
	}

	private static String status(Throwable failure) {
		Throwable cause = (failure instanceof CompletionException && failure.getCause() != null) ? failure.getCause()
				: failure;
		return (cause instanceof RpcException rpc) ? rpc.getStatus().name() : cause.getClass().getSimpleName();
	}

	private static double millis(Histogram histogram, double percentile) {
		return histogram.getValueAtPercentile(percentile) / 1e6;
	}

	private static void startWatchdog(double seconds) {
		Thread watchdog = new Thread(() -> {
			try {
				TimeUnit.MILLISECONDS.sleep((long) (seconds * 1000));
				System.err.println("Open-loop driver did not finish within " + seconds + " s");
				Runtime.getRuntime().halt(2);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}, "open-loop-watchdog");
		watchdog.setDaemon(true);
		watchdog.start();
	}

	/**
	 * Starts one call.
	 */
	@FunctionalInterface
	private interface Call {

		CompletableFuture<Integer> start(long id);

	}

}
