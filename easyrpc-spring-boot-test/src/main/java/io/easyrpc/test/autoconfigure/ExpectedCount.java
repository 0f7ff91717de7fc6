package io.easyrpc.test.autoconfigure;

/**
 * How many calls an expectation of a {@link MockRpcServer} takes: at least {@link #min()}
 * for {@link MockRpcServer#verify()} to pass, at most {@link #max()} before further calls
 * are unexpected.
 *
 * @param min the fewest calls that meet the expectation
 * @param max the most calls the expectation answers
 */
public record ExpectedCount(int min, int max) {

	/**
	 * Create a count.
	 * @param min the fewest calls that meet the expectation
	 * @param max the most calls the expectation answers
	 * @throws IllegalArgumentException if {@code min} is negative or greater than
	 * {@code max}
	 */
	public ExpectedCount {
		if (min < 0 || max < min) {
			throw new IllegalArgumentException("Expected count needs 0 <= min <= max, got min " + min + ", max " + max);
		}
	}

	/**
	 * Exactly one call, the default of {@link MockRpcServer#expect(String)}.
	 * @return the count
	 */
	public static ExpectedCount once() {
		return times(1);
	}

	/**
	 * Exactly {@code count} calls.
	 * @param count the number of calls
	 * @return the count
	 */
	public static ExpectedCount times(int count) {
		return new ExpectedCount(count, count);
	}

	/**
	 * No call at all: a call is answered as unexpected and reported by
	 * {@link MockRpcServer#verify()}.
	 * @return the count
	 */
	public static ExpectedCount never() {
		return new ExpectedCount(0, 0);
	}

	/**
	 * At least {@code min} and at most {@code max} calls.
	 * @param min the fewest calls
	 * @param max the most calls
	 * @return the count
	 */
	public static ExpectedCount between(int min, int max) {
		return new ExpectedCount(min, max);
	}

	/**
	 * At least {@code min} calls, with no upper limit.
	 * @param min the fewest calls
	 * @return the count
	 */
	public static ExpectedCount atLeast(int min) {
		return new ExpectedCount(min, Integer.MAX_VALUE);
	}

	@Override
	public String toString() {
		if (this.min == this.max) {
			return (this.min == 1) ? "once" : this.min + " times";
		}
		return (this.max == Integer.MAX_VALUE) ? "at least " + this.min + " times"
				: "between " + this.min + " and " + this.max + " times";
	}

}
