package io.easyrpc.internal.client;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The retry budget of one channel, a token bucket as in gRPC's retry throttling: failures
 * with a retryable status take a token, successes give back a fraction of one, and
 * retries are made only while more than half of the tokens are left. Tokens are counted
 * in thousandths so that one atomic integer holds them.
 */
final class RetryThrottle {

	private static final int UNIT = 1000;

	private final int maxTokens;

	private final int threshold;

	private final int ratio;

	private final AtomicInteger tokens;

	RetryThrottle(RetrySettings policy) {
		this.maxTokens = policy.maxTokens() * UNIT;
		this.threshold = this.maxTokens / 2;
		this.ratio = Math.max(1, (int) Math.round(policy.tokenRatio() * UNIT));
		this.tokens = new AtomicInteger(this.maxTokens);
	}

	/**
	 * Note a failure with a retryable status.
	 * @return whether a retry is still allowed afterwards
	 */
	boolean failed() {
		int left = this.tokens.updateAndGet((current) -> Math.max(0, current - UNIT));
		return left > this.threshold;
	}

	/**
	 * Note a successful call.
	 */
	void succeeded() {
		if (this.tokens.get() < this.maxTokens) {
			this.tokens.updateAndGet((current) -> Math.min(this.maxTokens, current + this.ratio));
		}
	}

	/**
	 * Return the tokens left.
	 * @return the tokens, in whole tokens
	 */
	double tokens() {
		return this.tokens.get() / (double) UNIT;
	}

}
