package io.easyrpc.benchmark.driver;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.LongStream;

/**
 * Reads the CPU time of processes from {@code /proc/<pid>/stat}: user plus system time,
 * all threads included.
 */
final class CpuTime {

	// USER_HZ, the unit of utime and stime, is 100 on Linux.
	private static final double TICKS_PER_SECOND = 100.0;

	private CpuTime() {
	}

	/**
	 * Return the CPU seconds used so far by every process on the machine.
	 * @return CPU seconds by process id; empty if {@code /proc} cannot be read
	 */
	static Map<Long, Double> allProcesses() {
		Map<Long, Double> seconds = new HashMap<>();
		try (DirectoryStream<Path> entries = Files.newDirectoryStream(Path.of("/proc"),
				(entry) -> entry.getFileName().toString().chars().allMatch(Character::isDigit))) {
			for (Path entry : entries) {
				long pid = Long.parseLong(entry.getFileName().toString());
				double used = seconds(pid);
				if (!Double.isNaN(used)) {
					seconds.put(pid, used);
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			// No /proc: nothing to report.
		}
		return seconds;
	}

	/**
	 * Return the CPU seconds that processes other than the given ones used between two
	 * snapshots. Processes that started in between count from zero; processes that ended
	 * in between are missed.
	 * @param before the first snapshot
	 * @param after the second snapshot
	 * @param excluded the processes to leave out
	 * @return the seconds
	 */
	static double others(Map<Long, Double> before, Map<Long, Double> after, long... excluded) {
		double total = 0;
		for (Map.Entry<Long, Double> entry : after.entrySet()) {
			long pid = entry.getKey();
			if (LongStream.of(excluded).noneMatch((candidate) -> candidate == pid)) {
				total += entry.getValue() - before.getOrDefault(pid, 0.0);
			}
		}
		return total;
	}

	/**
	 * Return the CPU seconds used so far by a process.
	 * @param pid the process id, or {@code 0} for this process
	 * @return the seconds, or {@code NaN} if {@code /proc} cannot be read
	 */
	static double seconds(long pid) {
		Path stat = Path.of("/proc", (pid > 0) ? Long.toString(pid) : "self", "stat");
		try {
			String line = Files.readString(stat);
			// The command name is in parentheses and may contain spaces.
			String[] fields = line.substring(line.lastIndexOf(')') + 2).split(" ");
			// After the name: state(0) ... utime(11) stime(12).
			long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
			return ticks / TICKS_PER_SECOND;
		}
		catch (IOException | RuntimeException ex) {
			return Double.NaN;
		}
	}

}
