package io.easyrpc.client;

import java.time.Duration;
import java.util.Collection;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

import io.easyrpc.RpcStatus;

/**
 * When a channel tries a failed call again. Only calls of idempotent methods (see
 * {@link io.easyrpc.RpcMethod#idempotent()}) are retried, and only when they fail with
 * one of the {@link #retryableStatuses() retryable statuses}, at most
 * {@link #maxAttempts()} attempts in all, and never past the call's deadline: a retry
 * whose back-off would end after the deadline is not made.
 * <p>
 * The back-off before retry {@code n} (counting from 1) is drawn uniformly between half
 * and all of {@code min(initialBackoff * multiplier^(n-1), maxBackoff)}.
 * <p>
 * A budget keeps retries from adding load when most calls fail, as gRPC's retry
 * throttling does: each channel holds {@link #maxTokens()} tokens at first; every failure
 * with a retryable status takes one, every success gives back {@link #tokenRatio()}; a
 * retry is made only while more than half of the tokens are left. Immutable.
 */
public final class RetryPolicy {

	private static final RetryPolicy DISABLED = builder().maxAttempts(1).build();

	private final int maxAttempts;

	private final Duration initialBackoff;

	private final Duration maxBackoff;

	private final double multiplier;

	private final Set<RpcStatus> retryableStatuses;

	private final int maxTokens;

	private final double tokenRatio;

	private RetryPolicy(Builder builder) {
		this.maxAttempts = builder.maxAttempts;
		this.initialBackoff = builder.initialBackoff;
		this.maxBackoff = builder.maxBackoff;
		this.multiplier = builder.multiplier;
		this.retryableStatuses = Set.copyOf(builder.retryableStatuses);
		this.maxTokens = builder.maxTokens;
		this.tokenRatio = builder.tokenRatio;
	}

	/**
	 * Return the default policy: 3 attempts, back-off from 50 ms doubling up to 1 s,
	 * retrying {@link RpcStatus#UNAVAILABLE}, a budget of 10 tokens with a ratio of 0.1.
	 * @return the policy
	 */
	public static RetryPolicy defaults() {
		return builder().build();
	}

	/**
	 * Return the policy that never retries: one attempt. Calls of idempotent methods are
	 * still re-attached after a lost connection and still de-duplicated by the server.
	 * @return the policy
	 */
	public static RetryPolicy disabled() {
		return DISABLED;
	}

	/**
	 * Return a builder with the {@link #defaults() default} settings.
	 * @return the builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Return the most attempts of one call, the first included.
	 * @return at least 1; 1 means no retry
	 */
	public int maxAttempts() {
		return this.maxAttempts;
	}

	/**
	 * Return the back-off before the first retry.
	 * @return the back-off
	 */
	public Duration initialBackoff() {
		return this.initialBackoff;
	}

	/**
	 * Return the longest back-off.
	 * @return the back-off
	 */
	public Duration maxBackoff() {
		return this.maxBackoff;
	}

	/**
	 * Return what the back-off is multiplied by after each retry.
	 * @return at least 1
	 */
	public double multiplier() {
		return this.multiplier;
	}

	/**
	 * Return the statuses after which a call is tried again.
	 * @return the statuses
	 */
	public Set<RpcStatus> retryableStatuses() {
		return this.retryableStatuses;
	}

	/**
	 * Return the size of the retry budget.
	 * @return the tokens, at least 1
	 */
	public int maxTokens() {
		return this.maxTokens;
	}

	/**
	 * Return the tokens a successful call gives back to the budget.
	 * @return the ratio, more than 0 and at most 1
	 */
	public double tokenRatio() {
		return this.tokenRatio;
	}

	/**
	 * Return whether the policy may retry at all.
	 * @return {@code true} if it allows more than one attempt
	 */
	public boolean isEnabled() {
		return this.maxAttempts > 1 && !this.retryableStatuses.isEmpty();
	}

	@Override
	public boolean equals(Object other) {
		return other instanceof RetryPolicy that && this.maxAttempts == that.maxAttempts
				&& this.initialBackoff.equals(that.initialBackoff) && this.maxBackoff.equals(that.maxBackoff)
				&& this.multiplier == that.multiplier && this.retryableStatuses.equals(that.retryableStatuses)
				&& this.maxTokens == that.maxTokens && this.tokenRatio == that.tokenRatio;
	}

	@Override
	public int hashCode() {
		return Objects.hash(this.maxAttempts, this.initialBackoff, this.maxBackoff, this.multiplier,
				this.retryableStatuses, this.maxTokens, this.tokenRatio);
	}

	@Override
	public String toString() {
		return "RetryPolicy[maxAttempts=" + this.maxAttempts + ", initialBackoff=" + this.initialBackoff
				+ ", maxBackoff=" + this.maxBackoff + ", multiplier=" + this.multiplier + ", retryableStatuses="
				+ new TreeSet<>(this.retryableStatuses) + ", maxTokens=" + this.maxTokens + ", tokenRatio="
				+ this.tokenRatio + "]";
	}

	/**
	 * Builds a {@link RetryPolicy}.
	 */
	public static final class Builder {

		private int maxAttempts = 3;

		private Duration initialBackoff = Duration.ofMillis(50);

		private Duration maxBackoff = Duration.ofSeconds(1);

		private double multiplier = 2.0;

		private Set<RpcStatus> retryableStatuses = EnumSet.of(RpcStatus.UNAVAILABLE);

		private int maxTokens = 10;

		private double tokenRatio = 0.1;

		private Builder() {
		}

		/**
		 * Set the most attempts of one call, the first included. Default 3.
		 * @param maxAttempts at least 1; 1 turns retries off
		 * @return this builder
		 */
		public Builder maxAttempts(int maxAttempts) {
			if (maxAttempts < 1) {
				throw new IllegalArgumentException("maxAttempts must be at least 1, not " + maxAttempts);
			}
			this.maxAttempts = maxAttempts;
			return this;
		}

		/**
		 * Set the back-off before the first retry. Default 50 ms.
		 * @param initialBackoff a positive duration
		 * @return this builder
		 */
		public Builder initialBackoff(Duration initialBackoff) {
			this.initialBackoff = positive(initialBackoff, "initialBackoff");
			return this;
		}

		/**
		 * Set the longest back-off. Default 1 s.
		 * @param maxBackoff a positive duration
		 * @return this builder
		 */
		public Builder maxBackoff(Duration maxBackoff) {
			this.maxBackoff = positive(maxBackoff, "maxBackoff");
			return this;
		}

		/**
		 * Set what the back-off is multiplied by after each retry. Default 2.
		 * @param multiplier at least 1
		 * @return this builder
		 */
		public Builder multiplier(double multiplier) {
			if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
				throw new IllegalArgumentException("multiplier must be at least 1, not " + multiplier);
			}
			this.multiplier = multiplier;
			return this;
		}

		/**
		 * Set the statuses after which a call is tried again. Default
		 * {@link RpcStatus#UNAVAILABLE}. {@link RpcStatus#OK},
		 * {@link RpcStatus#DEADLINE_EXCEEDED} and {@link RpcStatus#CANCELLED} are never
		 * retried.
		 * @param statuses the statuses
		 * @return this builder
		 */
		public Builder retryableStatuses(Collection<RpcStatus> statuses) {
			Set<RpcStatus> copy = statuses.isEmpty() ? EnumSet.noneOf(RpcStatus.class) : EnumSet.copyOf(statuses);
			for (RpcStatus status : EnumSet.of(RpcStatus.OK, RpcStatus.DEADLINE_EXCEEDED, RpcStatus.CANCELLED)) {
				if (copy.contains(status)) {
					throw new IllegalArgumentException(status + " is never retried");
				}
			}
			this.retryableStatuses = copy;
			return this;
		}

		/**
		 * Set the size of the retry budget. Default 10.
		 * @param maxTokens at least 1
		 * @return this builder
		 */
		public Builder maxTokens(int maxTokens) {
			if (maxTokens < 1) {
				throw new IllegalArgumentException("maxTokens must be at least 1, not " + maxTokens);
			}
			this.maxTokens = maxTokens;
			return this;
		}

		/**
		 * Set the tokens a successful call gives back to the budget. Default 0.1.
		 * @param tokenRatio more than 0 and at most 1
		 * @return this builder
		 */
		public Builder tokenRatio(double tokenRatio) {
			if (!(tokenRatio > 0 && tokenRatio <= 1)) {
				throw new IllegalArgumentException("tokenRatio must be more than 0 and at most 1, not " + tokenRatio);
			}
			this.tokenRatio = tokenRatio;
			return this;
		}

		/**
		 * Build the policy.
		 * @return the policy
		 */
		public RetryPolicy build() {
			if (this.maxBackoff.compareTo(this.initialBackoff) < 0) {
				throw new IllegalArgumentException("maxBackoff (" + this.maxBackoff
						+ ") must not be shorter than initialBackoff (" + this.initialBackoff + ")");
			}
			return new RetryPolicy(this);
		}

		private static Duration positive(Duration duration, String name) {
			Objects.requireNonNull(duration, name + " must not be null");
			if (duration.isNegative() || duration.isZero()) {
				throw new IllegalArgumentException(name + " must be positive, not " + duration);
			}
			return duration;
		}

	}

}
