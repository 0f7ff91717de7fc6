package io.easyrpc.benchmark.driver;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.HdrHistogram.Histogram;

/**
 * The load driver, one JVM per case: connects to a running server, warms up, measures for
 * a fixed time and prints one JSON line on standard output. Exits with status 1 if no
 * call succeeded.
 * <p>
 * Arguments: {@code --target ID --port N[,N...] --concurrency C --size S --warmup SECONDS
 * --duration SECONDS [--server-pid PID] [--grpc-deadline-seconds N]}. Only
 * {@code easyrpc-three-instances} takes several ports, one per instance. gRPC calls carry
 * a deadline only if {@code N > 0}.
 */
public final class DriverMain {

	/** Upper bound on the calls one run may make. */
	private static final long MAX_CALLS = 2_000_000_000L;

	private DriverMain() {
	}

	/**
	 * Run one case.
	 * @param args see the class description
	 * @throws Exception on failure
	 */
	public static void main(String[] args) throws Exception {
		Map<String, String> options = parse(args);
		String target = required(options, "target");
		List<Integer> ports = Arrays.stream(required(options, "port").split(","))
			.map((port) -> Integer.parseInt(port.trim()))
			.toList();
		int concurrency = Integer.parseInt(required(options, "concurrency"));
		int size = Integer.parseInt(required(options, "size"));
		double warmup = Double.parseDouble(options.getOrDefault("warmup", "10"));
		double duration = Double.parseDouble(options.getOrDefault("duration", "20"));
		long serverPid = Long.parseLong(options.getOrDefault("server-pid", "-1"));
		int grpcDeadline = Integer.parseInt(options.getOrDefault("grpc-deadline-seconds", "0"));
		startWatchdog(warmup + duration + 60);

		byte[] data = new byte[size];
		new SplittableRandom(42).nextBytes(data);
		LoadTarget load = create(target, ports, data, grpcDeadline);
		ClosedLoop loop = new ClosedLoop(load, concurrency, MAX_CALLS);
		loop.start();
		sleep(warmup);

		double serverCpu0 = CpuTime.seconds(serverPid);
		double driverCpu0 = CpuTime.seconds(0);
		Map<Long, Double> everything0 = CpuTime.allProcesses();
		long start = System.nanoTime();
		loop.startMeasuring();
		sleep(duration);
		Histogram histogram = loop.stopMeasuring();
		long end = System.nanoTime();
		double serverCpu = CpuTime.seconds(serverPid) - serverCpu0;
		double driverCpu = CpuTime.seconds(0) - driverCpu0;
		double otherCpu = CpuTime.others(everything0, CpuTime.allProcesses(), serverPid, ProcessHandle.current().pid());
		long errors = loop.windowErrors();

		boolean drained = loop.stop(10_000);
		load.close();
		double seconds = (end - start) / 1e9;
		long calls = histogram.getTotalCount();
		System.out.println(json(target, concurrency, size, seconds, calls, histogram, errors, driverCpu, serverCpu,
				otherCpu, drained));
		System.out.flush();
		System.exit((calls > 0) ? 0 : 1);
	}

	private static LoadTarget create(String target, List<Integer> ports, byte[] data, int grpcDeadline) {
		if (target.equals("easyrpc-three-instances")) {
			return new EasyRpcLoad(ports, data, true);
		}
		if (ports.size() != 1) {
			throw new IllegalArgumentException("Target " + target + " takes one port, got " + ports);
		}
		int port = ports.get(0);
		return switch (target) {
			case "easyrpc-blocking" -> new EasyRpcLoad(ports, data, false);
			case "easyrpc-nonblocking" -> new EasyRpcLoad(ports, data, true);
			case "grpc-default" -> new GrpcLoad(port, data, false, grpcDeadline);
			case "grpc-direct" -> new GrpcLoad(port, data, true, grpcDeadline);
			case "netty-echo" -> new NettyLoad(port, data);
			default -> throw new IllegalArgumentException("Unknown target " + target);
		};
	}

	static String json(String target, int concurrency, int size, double seconds, long calls, Histogram histogram,
			long errors, double driverCpu, double serverCpu, double otherCpu, boolean drained) {
		return String.format(Locale.ROOT,
				"{\"target\":\"%s\",\"concurrency\":%d,\"size\":%d,\"seconds\":%.3f,\"calls\":%d,"
						+ "\"callsPerSecond\":%.1f,\"p50Us\":%.1f,\"p90Us\":%.1f,\"p99Us\":%.1f,\"p999Us\":%.1f,"
						+ "\"maxUs\":%.1f,\"errors\":%d,\"driverCpuSeconds\":%.2f,\"serverCpuSeconds\":%.2f,"
						+ "\"otherCpuSeconds\":%.2f,\"drained\":%b}",
				target, concurrency, size, seconds, calls, calls / seconds, micros(histogram, 50),
				micros(histogram, 90), micros(histogram, 99), micros(histogram, 99.9), histogram.getMaxValue() / 1000.0,
				errors, driverCpu, serverCpu, otherCpu, drained);
	}

	private static double micros(Histogram histogram, double percentile) {
		return histogram.getValueAtPercentile(percentile) / 1000.0;
	}

	private static void sleep(double seconds) throws InterruptedException {
		TimeUnit.MILLISECONDS.sleep((long) (seconds * 1000));
	}

	// Whatever happens, the driver ends: a hung connection must not hang the matrix.
	private static void startWatchdog(double seconds) {
		Thread watchdog = new Thread(() -> {
			try {
				sleep(seconds);
				System.err.println("Driver did not finish within " + seconds + " s");
				Runtime.getRuntime().halt(2);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}, "driver-watchdog");
		watchdog.setDaemon(true);
		watchdog.start();
	}

	private static Map<String, String> parse(String[] args) {
		Map<String, String> options = new HashMap<>();
		for (int i = 0; i < args.length; i++) {
			if (!args[i].startsWith("--") || i + 1 >= args.length) {
				throw new IllegalArgumentException("Expected --name value pairs, got " + String.join(" ", args));
			}
			options.put(args[i].substring(2), args[++i]);
		}
		return options;
	}

	private static String required(Map<String, String> options, String name) {
		String value = options.get(name);
		if (value == null) {
			throw new IllegalArgumentException("Missing --" + name);
		}
		return value;
	}

}
