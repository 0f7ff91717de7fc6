package io.easyrpc.benchmark;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import io.easyrpc.benchmark.driver.DriverMain;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs the benchmark matrix: for every concurrency and payload size, every target in turn
 * (the order rotates from case to case so that drift hits all targets alike), each with a
 * fresh server JVM pinned to CPU 0 and a fresh driver JVM pinned to CPU 1. Prints each
 * result as a JSON line, then a Markdown report, and keeps both under the output
 * directory.
 * <p>
 * Options: {@code --short} (5 s warm-up, 3 s window), {@code --warmup SECONDS},
 * {@code --duration SECONDS}, {@code --concurrency 1,64,256}, {@code --sizes 64,4096},
 * {@code --targets id,...} (default: every target but {@code easyrpc-three-instances}),
 * {@code --jfr} (record the server and the driver with Flight Recorder after the
 * warm-up), {@code --grpc-deadline SECONDS} (give every gRPC call a deadline, as easyrpc
 * clients always have; default none), {@code --retries N} (run a case again, up to N
 * times, default 2, when other processes used more than 5% of a CPU during its window;
 * the least disturbed attempt counts), {@code --no-pin}, {@code --out DIRECTORY}.
 */
public final class BenchmarkRunner {

	// CPU seconds per second of window that other processes may use before a case counts
	// as disturbed.
	private static final double NOISE_PER_SECOND = 0.05;

	private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

	private final Options options;

	private final Path out;

	private final JsonMapper json = JsonMapper.builder().build();

	private BenchmarkRunner(Options options) throws IOException {
		this.options = options;
		this.out = options.out.resolve(LocalDateTime.now().format(STAMP));
		Files.createDirectories(this.out.resolve("logs"));
	}

	/**
	 * Run the matrix.
	 * @param args see the class description
	 * @throws Exception on failure
	 */
	public static void main(String[] args) throws Exception {
		Options options = Options.parse(args);
		new BenchmarkRunner(options).run();
	}

	private void run() throws IOException, InterruptedException {
		List<String> flags = jvmFlags();
		log("JDK " + Runtime.version() + ", " + Runtime.getRuntime().availableProcessors() + " CPUs, load average "
				+ loadAverage() + ", pinning " + (this.options.pin ? "on" : "off"));
		log("JVM flags: " + String.join(" ", flags));
		log("gRPC deadline per call: "
				+ ((this.options.grpcDeadline > 0) ? this.options.grpcDeadline + " s" : "none (gRPC's default)"));
		log("Warm-up " + this.options.warmup + " s, window " + this.options.duration + " s, "
				+ (this.options.concurrency.length * this.options.sizes.length * this.options.targets.size())
				+ " runs; output in " + this.out);
		Path jsonl = this.out.resolve("results.jsonl");
		List<Result> results = new ArrayList<>();
		int caseIndex = 0;
		for (int concurrency : this.options.concurrency) {
			for (int size : this.options.sizes) {
				List<Target> order = rotate(this.options.targets, caseIndex++);
				for (Target target : order) {
					Result result = measure(target, concurrency, size, flags, jsonl);
					results.add(result);
				}
			}
		}
		String report = new Report(results).markdown();
		Files.writeString(this.out.resolve("report.md"), report);
		System.out.println();
		System.out.println(report);
		log("Load average at the end: " + loadAverage());
	}

	// A case during which other processes used noticeable CPU is run again, up to twice;
	// the least disturbed attempt is kept.
	private Result measure(Target target, int concurrency, int size, List<String> flags, Path jsonl)
			throws IOException, InterruptedException {
		double noiseLimit = NOISE_PER_SECOND * this.options.duration;
		Result best = null;
		for (int attempt = 0; attempt <= this.options.retries; attempt++) {
			String line = runCase(target, concurrency, size, flags);
			if (line == null) {
				continue;
			}
			System.out.println(line);
			Files.writeString(jsonl, line + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
			Result result = this.json.readValue(line, Result.class);
			if (best == null || result.otherCpuSeconds() < best.otherCpuSeconds()) {
				best = result;
			}
			if (result.otherCpuSeconds() <= noiseLimit) {
				break;
			}
			if (attempt < this.options.retries) {
				log(String.format(Locale.ROOT, "Other processes used %.1f CPU s during the window; running again",
						result.otherCpuSeconds()));
			}
		}
		return (best != null) ? best : Result.failed(target.id(), concurrency, size);
	}

	private String runCase(Target target, int concurrency, int size, List<String> flags)
			throws IOException, InterruptedException {
		String name = String.format(Locale.ROOT, "c%d-s%d-%s", concurrency, size, target.id());
		log("Running " + name);
		List<String> server = new ArrayList<>(pin("0"));
		server.add(javaExecutable());
		server.addAll(flags);
		server.addAll(flightRecorder(name + "-server"));
		server.addAll(List.of("-cp", System.getProperty("java.class.path"), target.serverClass()));
		server.addAll(target.serverArguments());
		Process serverProcess = new ProcessBuilder(server).redirectErrorStream(true).start();
		try {
			CompletableFuture<String> ready = new CompletableFuture<>();
			pump(serverProcess, this.out.resolve("logs").resolve(name + "-server.log"), (line) -> {
				if (line.startsWith("READY ")) {
					try {
						ready.complete(ports(line.substring(6)));
					}
					catch (NumberFormatException ex) {
						ready.completeExceptionally(ex);
					}
				}
			});
			String ports;
			try {
				ports = ready.get(60, TimeUnit.SECONDS);
			}
			catch (TimeoutException | ExecutionException ex) {
				log("Server of " + name + " did not start; see its log");
				return null;
			}
			List<String> driver = new ArrayList<>(pin("1"));
			driver.add(javaExecutable());
			driver.addAll(flags);
			driver.addAll(flightRecorder(name + "-driver"));
			driver.addAll(List.of("-cp", System.getProperty("java.class.path"), DriverMain.class.getName(), "--target",
					target.id(), "--port", ports, "--concurrency", Integer.toString(concurrency), "--size",
					Integer.toString(size), "--warmup", Double.toString(this.options.warmup), "--duration",
					Double.toString(this.options.duration), "--server-pid", Long.toString(serverProcess.pid()),
					"--grpc-deadline-seconds", Integer.toString(this.options.grpcDeadline)));
			Process driverProcess = new ProcessBuilder(driver).redirectErrorStream(true).start();
			CompletableFuture<String> result = new CompletableFuture<>();
			pump(driverProcess, this.out.resolve("logs").resolve(name + "-driver.log"), (line) -> {
				if (line.startsWith("{")) {
					result.complete(line);
				}
			});
			long limit = (long) (this.options.warmup + this.options.duration) + 90;
			if (!driverProcess.waitFor(limit, TimeUnit.SECONDS)) {
				log("Driver of " + name + " did not finish in " + limit + " s; killing it");
				driverProcess.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
			}
			try {
				return result.get(5, TimeUnit.SECONDS);
			}
			catch (TimeoutException | ExecutionException ex) {
				log("Driver of " + name + " printed no result (exit " + driverProcess.exitValue() + "); see its log");
				return null;
			}
		}
		finally {
			serverProcess.destroy();
			if (!serverProcess.waitFor(30, TimeUnit.SECONDS)) {
				serverProcess.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
			}
		}
	}

	// The ports a server announces: one, or several separated by commas when it runs
	// several instances.
	private static String ports(String announced) {
		return Arrays.stream(announced.trim().split(","))
			.map((port) -> Integer.toString(Integer.parseInt(port.trim())))
			.collect(Collectors.joining(","));
	}

	// Copies a process's output to its log, line by line, so that its pipe never fills.
	private static void pump(Process process, Path log, Consumer<String> lines) {
		Thread thread = new Thread(() -> {
			try (BufferedReader reader = new BufferedReader(
					new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
					PrintWriter writer = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8))) {
				String line;
				while ((line = reader.readLine()) != null) {
					writer.println(line);
					writer.flush();
					lines.accept(line);
				}
			}
			catch (IOException ex) {
				// The process went away.
			}
		}, "pump-" + log.getFileName());
		thread.setDaemon(true);
		thread.start();
	}

	private List<String> jvmFlags() {
		List<String> flags = new ArrayList<>(List.of("-Xms1g", "-Xmx1g", "-XX:+UseG1GC", "-XX:+AlwaysPreTouch"));
		if (this.options.transport != null) {
			flags.add("-Deasyrpc.netty.transport=" + this.options.transport);
		}
		if (Runtime.version().feature() >= 24) {
			flags.add("--enable-native-access=ALL-UNNAMED");
			// msgpack-core uses sun.misc.Unsafe; this only silences the warning.
			flags.add("--sun-misc-unsafe-memory-access=allow");
		}
		return flags;
	}

	private List<String> flightRecorder(String name) {
		if (!this.options.jfr) {
			return List.of();
		}
		Path file = this.out.resolve(name + ".jfr").toAbsolutePath();
		return List.of(String.format(Locale.ROOT,
				"-XX:StartFlightRecording=delay=%ds,settings=profile,dumponexit=true,filename=%s",
				(int) Math.ceil(this.options.warmup), file));
	}

	private List<String> pin(String cpu) {
		return this.options.pin ? List.of("taskset", "-c", cpu) : List.of();
	}

	private static String javaExecutable() {
		return Path.of(System.getProperty("java.home"), "bin", "java").toString();
	}

	private static List<Target> rotate(List<Target> targets, int by) {
		List<Target> rotated = new ArrayList<>(targets);
		Collections.rotate(rotated, -(by % Math.max(1, targets.size())));
		return rotated;
	}

	private static String loadAverage() {
		try {
			return Files.readString(Path.of("/proc/loadavg")).trim();
		}
		catch (IOException ex) {
			return "unknown";
		}
	}

	private static void log(String message) {
		System.err.println("[" + LocalDateTime.now().withNano(0) + "] " + message);
	}

	private static final class Options {

		private double warmup = 10;

		private double duration = 20;

		private int[] concurrency = { 1, 64, 256 };

		private int[] sizes = { 64, 4096 };

		private List<Target> targets = Target.defaults();

		private boolean jfr;

		private int grpcDeadline;

		private int retries = 2;

		private boolean pin = true;

		private String transport;

		private Path out = Path.of("target", "benchmark");

		static Options parse(String[] args) {
			Options options = new Options();
			for (int i = 0; i < args.length; i++) {
				switch (args[i]) {
					case "--short" -> {
						options.warmup = 5;
						options.duration = 3;
					}
					case "--warmup" -> options.warmup = Double.parseDouble(args[++i]);
					case "--duration" -> options.duration = Double.parseDouble(args[++i]);
					case "--concurrency" -> options.concurrency = ints(args[++i]);
					case "--sizes" -> options.sizes = ints(args[++i]);
					case "--targets" -> options.targets = Arrays.stream(args[++i].split(",")).map(Target::of).toList();
					case "--jfr" -> options.jfr = true;
					case "--grpc-deadline" -> options.grpcDeadline = Integer.parseInt(args[++i]);
					case "--no-pin" -> options.pin = false;
					case "--transport" -> options.transport = args[++i];
					case "--retries" -> options.retries = Integer.parseInt(args[++i]);
					case "--out" -> options.out = Path.of(args[++i]);
					default -> throw new IllegalArgumentException("Unknown option " + args[i]);
				}
			}
			if (options.warmup <= 0 || options.duration <= 0 || options.duration > 600) {
				throw new IllegalArgumentException("Warm-up must be positive and the window between 0 and 600 s");
			}
			return options;
		}

		private static int[] ints(String list) {
			return Arrays.stream(list.split(",")).mapToInt(Integer::parseInt).toArray();
		}

	}

}
