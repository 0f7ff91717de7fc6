package io.easyrpc.internal.client;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class ExponentialBackoffPolicyTests {

	private static final long INITIAL = TimeUnit.MILLISECONDS.toNanos(200);

	private static final long MAX = TimeUnit.SECONDS.toNanos(5);

	@Test
	void withoutJitterEachBackoffIsOnePointSixTimesTheLastUpToTheMaximum() {
		ExponentialBackoffPolicy policy = new ExponentialBackoffPolicy(INITIAL, MAX, () -> 0.5);
		List<Long> backoffs = new ArrayList<>();
		for (int i = 0; i < 10; i++) {
			backoffs.add(TimeUnit.NANOSECONDS.toMillis(policy.nextBackoffNanos()));
		}
		assertThat(backoffs).containsExactly(200L, 320L, 512L, 819L, 1310L, 2097L, 3355L, 5000L, 5000L, 5000L);
	}

	@Test
	void jitterSpreadsEachBackoffByAtMostTwentyPercentEitherWay() {
		assertThat(new ExponentialBackoffPolicy(INITIAL, MAX, () -> 0.0).nextBackoffNanos())
			.isEqualTo(TimeUnit.MILLISECONDS.toNanos(160));
		assertThat(new ExponentialBackoffPolicy(INITIAL, MAX, () -> Math.nextDown(1.0)).nextBackoffNanos())
			.isBetween(TimeUnit.MILLISECONDS.toNanos(239), TimeUnit.MILLISECONDS.toNanos(240));
		Random random = new Random(42);
		ExponentialBackoffPolicy policy = new ExponentialBackoffPolicy(INITIAL, MAX, random::nextDouble);
		double expected = INITIAL;
		for (int i = 0; i < 20; i++) {
			long backoff = policy.nextBackoffNanos();
			assertThat((double) backoff).isBetween(expected * 0.8 - 1, expected * 1.2 + 1);
			expected = Math.min(expected * 1.6, MAX);
		}
	}

	@Test
	void seededRandomGivesTheSameSequence() {
		ExponentialBackoffPolicy first = new ExponentialBackoffPolicy(INITIAL, MAX, new Random(7)::nextDouble);
		ExponentialBackoffPolicy second = new ExponentialBackoffPolicy(INITIAL, MAX, new Random(7)::nextDouble);
		for (int i = 0; i < 10; i++) {
			assertThat(first.nextBackoffNanos()).isEqualTo(second.nextBackoffNanos());
		}
	}

	@Test
	void resetStartsAgainFromTheInitialBackoff() {
		ExponentialBackoffPolicy policy = new ExponentialBackoffPolicy(INITIAL, MAX, () -> 0.5);
		policy.nextBackoffNanos();
		policy.nextBackoffNanos();
		assertThat(policy.nextBackoffNanos()).isGreaterThan(INITIAL);
		policy.reset();
		assertThat(policy.nextBackoffNanos()).isEqualTo(INITIAL);
	}

	@Test
	void maximumBelowTheInitialBackoffIsRaisedToIt() {
		ExponentialBackoffPolicy policy = new ExponentialBackoffPolicy(INITIAL, INITIAL / 2, () -> 0.5);
		assertThat(policy.nextBackoffNanos()).isEqualTo(INITIAL);
		assertThat(policy.nextBackoffNanos()).isEqualTo(INITIAL);
	}

	@Test
	void initialBackoffMustBePositive() {
		assertThatIllegalArgumentException().isThrownBy(() -> new ExponentialBackoffPolicy(0, MAX));
	}

}
