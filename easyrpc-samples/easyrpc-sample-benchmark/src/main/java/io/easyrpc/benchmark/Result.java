package io.easyrpc.benchmark;

/**
 * The outcome of one case, as the driver prints it.
 *
 * @param target the target id
 * @param concurrency calls outstanding
 * @param size payload bytes
 * @param seconds length of the timed window
 * @param calls successful calls in the window
 * @param callsPerSecond throughput
 * @param p50Us median latency in microseconds
 * @param p90Us 90th percentile in microseconds
 * @param p99Us 99th percentile in microseconds
 * @param p999Us 99.9th percentile in microseconds
 * @param maxUs maximum latency in microseconds
 * @param errors failed calls in the window
 * @param driverCpuSeconds CPU used by the driver JVM in the window
 * @param serverCpuSeconds CPU used by the server JVM in the window
 * @param otherCpuSeconds CPU used by everything else on the machine in the window: noise
 * @param drained whether every outstanding call completed after the window
 */
public record Result(String target, int concurrency, int size, double seconds, long calls, double callsPerSecond,
		double p50Us, double p90Us, double p99Us, double p999Us, double maxUs, long errors, double driverCpuSeconds,
		double serverCpuSeconds, double otherCpuSeconds, boolean drained) {

	/**
	 * A case that produced no measurement.
	 * @param target the target id
	 * @param concurrency calls outstanding
	 * @param size payload bytes
	 * @return a result with every number {@code NaN}
	 */
	public static Result failed(String target, int concurrency, int size) {
		return new Result(target, concurrency, size, Double.NaN, 0, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
				Double.NaN, Double.NaN, -1, Double.NaN, Double.NaN, Double.NaN, false);
	}

	/**
	 * Return the server CPU time per call.
	 * @return microseconds of server CPU per successful call
	 */
	public double serverCpuUsPerCall() {
		return this.serverCpuSeconds * 1e6 / this.calls;
	}

	/**
	 * Return the driver CPU time per call.
	 * @return microseconds of driver CPU per successful call
	 */
	public double driverCpuUsPerCall() {
		return this.driverCpuSeconds * 1e6 / this.calls;
	}

}
