package io.easyrpc.benchmark;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.ToDoubleFunction;

/**
 * Turns the results of a run into Markdown: the measurements, the same-run ratios of
 * easyrpc to its peers, and the engine's performance targets checked against them.
 */
final class Report {

	private static final String BLOCKING = Target.EASYRPC_BLOCKING.id();

	private static final String NON_BLOCKING = Target.EASYRPC_NON_BLOCKING.id();

	private static final String GRPC_DEFAULT = Target.GRPC_DEFAULT.id();

	private static final String GRPC_DIRECT = Target.GRPC_DIRECT.id();

	private static final String NETTY = Target.NETTY_ECHO.id();

	private static final String THREE_INSTANCES = Target.EASYRPC_THREE_INSTANCES.id();

	private final List<Result> results;

	private final List<int[]> cases = new ArrayList<>();

	Report(List<Result> results) {
		this.results = List.copyOf(results);
		Set<String> seen = new LinkedHashSet<>();
		for (Result result : results) {
			if (seen.add(result.concurrency() + "/" + result.size())) {
				this.cases.add(new int[] { result.concurrency(), result.size() });
			}
		}
		this.cases.sort((a, b) -> (a[0] != b[0]) ? Integer.compare(a[0], b[0]) : Integer.compare(a[1], b[1]));
	}

	String markdown() {
		StringBuilder out = new StringBuilder();
		out.append("### Measurements\n\n");
		out.append("| C | S | target | calls/s | p50 µs | p90 µs | p99 µs | p99.9 µs | errors "
				+ "| server CPU µs/call | driver CPU µs/call | other CPU s |\n");
		out.append("|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
		for (int[] c : this.cases) {
			for (Target target : Target.values()) {
				Result r = find(target.id(), c[0], c[1]);
				if (r != null) {
					out.append(String.format(Locale.ROOT,
							"| %d | %d | %s | %s | %.0f | %.0f | %.0f | %.0f | %d | %.1f | %.1f | %.1f |%n", c[0], c[1],
							target.id(), rate(r.callsPerSecond()), r.p50Us(), r.p90Us(), r.p99Us(), r.p999Us(),
							r.errors(), r.serverCpuUsPerCall(), r.driverCpuUsPerCall(), r.otherCpuSeconds()));
				}
			}
		}
		out.append("\n_other CPU s_: CPU seconds that every other process on the machine used during the window; "
				+ "anything above a few tenths means the case shared the CPUs with something else.\n");
		out.append("\n### Ratios (same run; throughput: higher is better for easyrpc, latency: lower is)\n\n");
		out.append("| C | S | calls/s blk/gRPC-def | calls/s nb/gRPC-direct | calls/s nb/Netty | calls/s blk/Netty "
				+ "| p50 blk/gRPC-def | p50 nb/gRPC-direct | p50 nb/Netty | p99 blk/gRPC-def | p99 nb/gRPC-direct "
				+ "| p99 nb/Netty |\n");
		out.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
		for (int[] c : this.cases) {
			out.append(String.format(Locale.ROOT, "| %d | %d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |%n",
					c[0], c[1], ratio(BLOCKING, GRPC_DEFAULT, c, Result::callsPerSecond),
					ratio(NON_BLOCKING, GRPC_DIRECT, c, Result::callsPerSecond),
					ratio(NON_BLOCKING, NETTY, c, Result::callsPerSecond),
					ratio(BLOCKING, NETTY, c, Result::callsPerSecond), ratio(BLOCKING, GRPC_DEFAULT, c, Result::p50Us),
					ratio(NON_BLOCKING, GRPC_DIRECT, c, Result::p50Us), ratio(NON_BLOCKING, NETTY, c, Result::p50Us),
					ratio(BLOCKING, GRPC_DEFAULT, c, Result::p99Us), ratio(NON_BLOCKING, GRPC_DIRECT, c, Result::p99Us),
					ratio(NON_BLOCKING, NETTY, c, Result::p99Us)));
		}
		out.append(threeInstances());
		out.append("\n### Targets\n\n");
		for (String check : checks()) {
			out.append("- ").append(check).append('\n');
		}
		return out.toString();
	}

	// One channel over three instances against one channel over one, where both ran: the
	// difference in driver CPU per call is what the call router costs per call.
	private String threeInstances() {
		StringBuilder out = new StringBuilder();
		for (int[] c : this.cases) {
			Result three = find(THREE_INSTANCES, c[0], c[1]);
			Result one = find(NON_BLOCKING, c[0], c[1]);
			if (three == null || one == null || three.calls() == 0 || one.calls() == 0) {
				continue;
			}
			if (out.isEmpty()) {
				out.append("\n### One target over three instances against one instance (same run, non-blocking)\n\n");
				out.append("| C | S | calls/s 3 / 1 | p50 3 / 1 | server CPU µs/call 1 → 3 | driver CPU µs/call 1 → 3 "
						+ "| driver CPU µs/call, 3 − 1 |\n");
				out.append("|---:|---:|---:|---:|---:|---:|---:|\n");
			}
			out.append(String.format(Locale.ROOT, "| %d | %d | %.2f | %.2f | %.1f → %.1f | %.1f → %.1f | %+.1f |%n",
					c[0], c[1], three.callsPerSecond() / one.callsPerSecond(), three.p50Us() / one.p50Us(),
					one.serverCpuUsPerCall(), three.serverCpuUsPerCall(), one.driverCpuUsPerCall(),
					three.driverCpuUsPerCall(), three.driverCpuUsPerCall() - one.driverCpuUsPerCall()));
		}
		return out.toString();
	}

	private List<String> checks() {
		List<String> checks = new ArrayList<>();
		for (int[] c : this.cases) {
			if (c[0] >= 64) {
				double floor = (c[1] <= 64) ? 2.0 : 1.5;
				checks.add(atLeast("throughput blocking / gRPC default", BLOCKING, GRPC_DEFAULT, c, floor,
						Result::callsPerSecond));
				checks.add(atLeast("throughput non-blocking / gRPC direct", NON_BLOCKING, GRPC_DIRECT, c, floor,
						Result::callsPerSecond));
			}
			if (c[0] == 64 && c[1] == 64) {
				checks.add(atLeast("throughput non-blocking / raw Netty", NON_BLOCKING, NETTY, c, 0.35,
						Result::callsPerSecond));
			}
			if (c[0] == 1) {
				checks.add(atMost("p50 non-blocking / raw Netty", NON_BLOCKING, NETTY, c, 1.15, Result::p50Us));
				checks.add(atMost("p50 blocking / raw Netty", BLOCKING, NETTY, c, 1.15, Result::p50Us));
				checks.add(below("p50 non-blocking / gRPC direct", NON_BLOCKING, GRPC_DIRECT, c, Result::p50Us));
				checks.add(below("p50 blocking / gRPC default", BLOCKING, GRPC_DEFAULT, c, Result::p50Us));
			}
			if (c[0] == 64) {
				checks.add(atMost("p99 blocking / gRPC default", BLOCKING, GRPC_DEFAULT, c, 0.5, Result::p99Us));
				checks.add(atMost("p99 non-blocking / gRPC direct", NON_BLOCKING, GRPC_DIRECT, c, 0.5, Result::p99Us));
			}
		}
		checks.removeIf((check) -> check == null);
		return checks;
	}

	private String atLeast(String label, String target, String peer, int[] c, double floor,
			ToDoubleFunction<Result> metric) {
		double value = value(target, peer, c, metric);
		return Double.isNaN(value) ? null : String.format(Locale.ROOT, "%s C=%d S=%d: %.2f (want >= %.2f) %s", label,
				c[0], c[1], value, floor, (value >= floor) ? "HOLDS" : "MISSED");
	}

	private String atMost(String label, String target, String peer, int[] c, double ceiling,
			ToDoubleFunction<Result> metric) {
		double value = value(target, peer, c, metric);
		return Double.isNaN(value) ? null : String.format(Locale.ROOT, "%s C=%d S=%d: %.2f (want <= %.2f) %s", label,
				c[0], c[1], value, ceiling, (value <= ceiling) ? "HOLDS" : "MISSED");
	}

	private String below(String label, String target, String peer, int[] c, ToDoubleFunction<Result> metric) {
		double value = value(target, peer, c, metric);
		return Double.isNaN(value) ? null : String.format(Locale.ROOT, "%s C=%d S=%d: %.2f (want < 1) %s", label, c[0],
				c[1], value, (value < 1) ? "HOLDS" : "MISSED");
	}

	private String ratio(String target, String peer, int[] c, ToDoubleFunction<Result> metric) {
		double value = value(target, peer, c, metric);
		return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, "%.2f", value);
	}

	private double value(String target, String peer, int[] c, ToDoubleFunction<Result> metric) {
		Result a = find(target, c[0], c[1]);
		Result b = find(peer, c[0], c[1]);
		if (a == null || b == null || a.calls() == 0 || b.calls() == 0) {
			return Double.NaN;
		}
		return metric.applyAsDouble(a) / metric.applyAsDouble(b);
	}

	private Result find(String target, int concurrency, int size) {
		for (Result result : this.results) {
			if (result.target().equals(target) && result.concurrency() == concurrency && result.size() == size) {
				return result;
			}
		}
		return null;
	}

	private static String rate(double callsPerSecond) {
		if (Double.isNaN(callsPerSecond)) {
			return "failed";
		}
		if (callsPerSecond >= 1e6) {
			return String.format(Locale.ROOT, "%.2f M", callsPerSecond / 1e6);
		}
		return String.format(Locale.ROOT, "%.1f k", callsPerSecond / 1e3);
	}

}
