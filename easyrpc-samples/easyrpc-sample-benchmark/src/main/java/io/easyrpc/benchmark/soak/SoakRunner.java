package io.easyrpc.benchmark.soak;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;

import io.easyrpc.RpcException;
import io.easyrpc.client.ClientDefinition;
import io.easyrpc.client.ClientProxyFactory;
import io.easyrpc.client.ExceptionFactory;
import io.easyrpc.client.RpcChannel;
import io.easyrpc.transport.RpcAddress;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs the soak: starts {@link SoakServer} JVMs, each with a {@link ChaosProxy} in front
 * of it, lets several clients (each with its own channel over all instances) make a
 * bounded number of calls through the proxies while the servers are stopped and started
 * again, one at a time, {@code --restarts} times in all, then compares every call's
 * outcome with the server's execution log. It prints one JSON line and a summary and
 * exits with 1 when an idempotent call was lost or executed twice.
 * <p>
 * A call is <em>lost</em> when it never completed, or when it completed successfully but
 * the server never executed it. A call is <em>executed twice</em> when its id appears
 * more than once in the execution log.
 * <p>
 * Options (defaults in brackets): {@code --instances [2]} servers, restarted in turn,
 * each behind its own proxy, {@code --clients [4]}, {@code --calls [20000]} in all,
 * {@code --rate [1000]} calls per second in all, {@code --concurrency [32]} outstanding
 * calls per client, {@code --restarts [3]}, {@code --signal [TERM]} or {@code KILL},
 * {@code --cut-millis [300,3000]} range of a proxied connection's lifetime ({@code 0}
 * never cuts), {@code --max-delay-millis [20]} of a call on the server,
 * {@code --timeout-seconds [30]} per call, {@code --once-every
 * [10]} (every n-th call uses the non-idempotent method), {@code --max-seconds [600]} for
 * the whole run, {@code --out [target/soak]}.
 */
public final class SoakRunner {

	private final Options options;

	private final Path log;

	private final int[] serverPorts;

	private final Process[] servers;

	private final Map<String, Integer> reasons = new ConcurrentHashMap<>();

	private SoakRunner(Options options) throws IOException, InterruptedException {
		this.options = options;
		Files.createDirectories(options.out);
		this.log = options.out.resolve("executions-" + System.currentTimeMillis() + ".log");
		this.serverPorts = new int[options.instances];
		this.servers = new Process[options.instances];
		for (int i = 0; i < options.instances; i++) {
			this.serverPorts[i] = freePort();
			this.servers[i] = startServer(this.serverPorts[i]);
		}
	}

	/**
	 * Run the soak.
	 * @param args the options
	 * @throws Exception if the server cannot be started
	 */
	public static void main(String[] args) throws Exception {
		Options options = Options.parse(args);
		SoakRunner runner = new SoakRunner(options);
		Map<String, Object> report = runner.run();
		String json = JsonMapper.builder().build().writeValueAsString(report);
		System.out.println(json);
		Files.writeString(options.out.resolve("soak-" + System.currentTimeMillis() + ".json"), json + "\n");
		boolean clean = ((Number) report.get("idempotentLost")).longValue() == 0
				&& ((Number) report.get("idempotentExecutedTwice")).longValue() == 0;
		System.exit(clean ? 0 : 1);
	}

	private Map<String, Object> run() throws Exception {
		long started = System.nanoTime();
		long limit = started + TimeUnit.SECONDS.toNanos(this.options.maxSeconds);
		int total = this.options.calls;
		AtomicReferenceArray<String> outcomes = new AtomicReferenceArray<>(total);
		AtomicInteger completed = new AtomicInteger();
		AtomicInteger issued = new AtomicInteger();
		int restartsDone = 0;
		List<ChaosProxy> proxies = new ArrayList<>();
		try {
			for (int port : this.serverPorts) {
				proxies.add(new ChaosProxy(port, this.options.cutMinMillis, this.options.cutMaxMillis));
			}
			List<RpcAddress> addresses = proxies.stream()
				.map((proxy) -> RpcAddress.tcp("127.0.0.1", proxy.port()))
				.toList();
			List<RpcChannel> channels = new ArrayList<>();
			List<Thread> clients = new ArrayList<>();
			try {
				for (int c = 0; c < this.options.clients; c++) {
					RpcChannel channel = RpcChannel.builder(addresses).build();
					channels.add(channel);
					Ledger ledger = new ClientProxyFactory(new ExceptionFactory(List.of(), null))
						.createProxy(new ClientDefinition(Ledger.class, Ledger.NAME, null,
								Duration.ofSeconds(this.options.timeoutSeconds), null), channel);
					Thread client = new Thread(() -> issue(ledger, issued, completed, outcomes, limit),
							"soak-client-" + c);
					clients.add(client);
					client.start();
				}
				while (restartsDone < this.options.restarts && System.nanoTime() < limit) {
					int next = (int) ((long) total * (restartsDone + 1) / (this.options.restarts + 1));
					if (completed.get() >= next) {
						restart(restartsDone % this.servers.length);
						restartsDone++;
					}
					else {
						Thread.sleep(20);
					}
				}
				for (Thread client : clients) {
					client.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(limit - System.nanoTime())));
				}
				long waitUntil = Math.min(limit,
						System.nanoTime() + TimeUnit.SECONDS.toNanos(this.options.timeoutSeconds + 10L));
				while (completed.get() < issued.get() && System.nanoTime() < waitUntil) {
					Thread.sleep(20);
				}
			}
			finally {
				channels.forEach(RpcChannel::close);
			}
			for (int i = 0; i < this.servers.length; i++) {
				stopServer(i);
			}
			Map<String, Object> report = report(outcomes, issued.get(), readLog());
			report.put("failureReasons", new TreeMap<>(this.reasons));
			report.put("restarts", restartsDone);
			report.put("signal", this.options.signal);
			report.put("instances", this.servers.length);
			report.put("connectionsCut", proxies.stream().mapToLong(ChaosProxy::cuts).sum());
			report.put("seconds", Math.round((System.nanoTime() - started) / 1e7) / 100.0);
			return report;
		}
		finally {
			proxies.forEach(ChaosProxy::close);
		}
	}

	private void issue(Ledger ledger, AtomicInteger issued, AtomicInteger completed,
			AtomicReferenceArray<String> outcomes, long limit) {
		Semaphore window = new Semaphore(this.options.concurrency);
		// Each client sends at its share of the rate, so that a server that is down fails
		// the calls of that time and not every call a fast failure lets through.
		long interval = TimeUnit.SECONDS.toNanos(1) * this.options.clients / this.options.rate;
		long next = System.nanoTime();
		while (System.nanoTime() < limit) {
			long wait = next - System.nanoTime();
			if (wait > 0) {
				LockSupport.parkNanos(wait);
			}
			next += interval;
			int index = issued.getAndIncrement();
			if (index >= outcomes.length()) {
				issued.decrementAndGet();
				return;
			}
			window.acquireUninterruptibly();
			String id = Integer.toString(index);
			CompletableFuture<Long> call;
			try {
				call = isOnce(index) ? ledger.creditOnce(id, index) : ledger.credit(id, index);
			}
			catch (RuntimeException ex) {
				call = CompletableFuture.failedFuture(ex);
			}
			call.whenComplete((amount, failure) -> {
				if (failure != null) {
					this.reasons.merge(reason(failure), 1, Integer::sum);
				}
				outcomes.set(index, (failure != null) ? status(failure)
						: (amount != null && amount == index) ? "OK" : "WRONG_RESULT");
				completed.incrementAndGet();
				window.release();
			});
		}
	}

	private boolean isOnce(int index) {
		return this.options.onceEvery > 0 && index % this.options.onceEvery == 0;
	}

	// A failure's message with its numbers left out, so that alike failures count as one
	// reason.
	private static String reason(Throwable failure) {
		Throwable cause = (failure instanceof CompletionException && failure.getCause() != null) ? failure.getCause()
				: failure;
		return status(cause) + ": " + String.valueOf(cause.getMessage()).replaceAll("[0-9]+", "N");
	}

	private static String status(Throwable failure) {
		Throwable cause = (failure instanceof CompletionException && failure.getCause() != null) ? failure.getCause()
				: failure;
		return (cause instanceof RpcException rpc) ? rpc.getStatus().name() : cause.getClass().getSimpleName();
	}

	private Map<String, Object> report(AtomicReferenceArray<String> outcomes, int issued,
			Map<String, Integer> executions) {
		Map<String, Object> report = new LinkedHashMap<>();
		report.put("calls", issued);
		for (boolean once : new boolean[] { false, true }) {
			String kind = once ? "once" : "idempotent";
			Map<String, Integer> byStatus = new TreeMap<>();
			long lost = 0;
			long twice = 0;
			long executedFailed = 0;
			for (int i = 0; i < issued; i++) {
				if (isOnce(i) != once) {
					continue;
				}
				String outcome = outcomes.get(i);
				int count = executions.getOrDefault((once ? "O " : "I ") + i, 0);
				byStatus.merge((outcome != null) ? outcome : "NEVER_COMPLETED", 1, Integer::sum);
				if (outcome == null || ("OK".equals(outcome) && count == 0)) {
					lost++;
				}
				if (count > 1) {
					twice++;
				}
				if (outcome != null && !"OK".equals(outcome) && count > 0) {
					executedFailed++;
				}
			}
			report.put(kind + "Outcomes", byStatus);
			report.put(kind + "Lost", lost);
			report.put(kind + "ExecutedTwice", twice);
			report.put(kind + "FailedButExecuted", executedFailed);
		}
		return report;
	}

	private Map<String, Integer> readLog() throws IOException {
		Map<String, Integer> executions = new HashMap<>();
		for (String line : Files.readAllLines(this.log, StandardCharsets.US_ASCII)) {
			if (!line.isEmpty()) {
				executions.merge(line, 1, Integer::sum);
			}
		}
		return executions;
	}

	private void restart(int instance) throws IOException, InterruptedException {
		stopServer(instance);
		this.servers[instance] = startServer(this.serverPorts[instance]);
	}

	private void stopServer(int instance) throws InterruptedException {
		Process server = this.servers[instance];
		if ("KILL".equals(this.options.signal)) {
			server.destroyForcibly();
		}
		else {
			server.destroy();
		}
		if (!server.waitFor(30, TimeUnit.SECONDS)) {
			server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
		}
	}

	private Process startServer(int port) throws IOException, InterruptedException {
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		List<String> command = List.of(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
				SoakServer.class.getName(), Integer.toString(port), this.log.toString(),
				Integer.toString(this.options.maxDelayMillis));
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		BufferedReader output = new BufferedReader(
				new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
		CompletableFuture<Void> ready = new CompletableFuture<>();
		Thread pump = new Thread(() -> {
			try {
				String line;
				while ((line = output.readLine()) != null) {
					if (line.startsWith("READY ")) {
						ready.complete(null);
					}
					else {
						System.err.println("[server] " + line);
					}
				}
			}
			catch (IOException ex) {
				// the process ended
			}
			ready.completeExceptionally(new IllegalStateException("The soak server exited before it was ready"));
		}, "soak-server-output");
		pump.setDaemon(true);
		pump.start();
		try {
			ready.get(60, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			process.destroyForcibly();
			throw new IllegalStateException("The soak server did not start", ex);
		}
		return process;
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	private record Options(int instances, int clients, int calls, int rate, int concurrency, int restarts,
			String signal, int cutMinMillis, int cutMaxMillis, int maxDelayMillis, int timeoutSeconds, int onceEvery,
			int maxSeconds, Path out) {

		static Options parse(String[] args) {
			String[] defaults = { "--instances", "2", "--clients", "4", "--calls", "20000", "--rate", "1000",
					"--concurrency", "32", "--restarts", "3", "--signal", "TERM", "--cut-millis", "300,3000",
					"--max-delay-millis", "20", "--timeout-seconds", "30", "--once-every", "10", "--max-seconds", "600",
					"--out", "target/soak" };
			Map<String, String> values = new HashMap<>();
			for (int i = 0; i < defaults.length; i += 2) {
				values.put(defaults[i], defaults[i + 1]);
			}
			for (int i = 0; i < args.length; i++) {
				if (!values.containsKey(args[i]) || i + 1 == args.length) {
					throw new IllegalArgumentException("Unknown option or missing value: " + args[i]);
				}
				values.put(args[i], args[++i]);
			}
			String[] cut = values.get("--cut-millis").split(",");
			int cutMin = Integer.parseInt(cut[0].trim());
			int cutMax = (cut.length > 1) ? Integer.parseInt(cut[1].trim()) : cutMin;
			String signal = values.get("--signal").toUpperCase(java.util.Locale.ROOT);
			if (!signal.equals("TERM") && !signal.equals("KILL")) {
				throw new IllegalArgumentException("--signal must be TERM or KILL, not " + signal);
			}
			return new Options(positive(values, "--instances"), positive(values, "--clients"),
					positive(values, "--calls"), positive(values, "--rate"), positive(values, "--concurrency"),
					Integer.parseInt(values.get("--restarts")), signal, cutMin, Math.max(cutMin, cutMax),
					Integer.parseInt(values.get("--max-delay-millis")), positive(values, "--timeout-seconds"),
					Integer.parseInt(values.get("--once-every")), positive(values, "--max-seconds"),
					Path.of(values.get("--out")));
		}

		private static int positive(Map<String, String> values, String name) {
			int value = Integer.parseInt(values.get(name));
			if (value <= 0) {
				throw new IllegalArgumentException(name + " must be positive, not " + value);
			}
			return value;
		}

	}

}
