package io.easyrpc.internal.client;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Makes the idempotency keys of calls: 128 random bits as 22 characters of URL-safe
 * base64 without padding. The keys only have to differ between calls, not to be secret
 * from the caller, so a thread-local generator suffices; the server scopes them by
 * caller, so a guessed key does not reach another caller's result.
 */
final class IdempotencyKeys {

	private static final char[] ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
		.toCharArray();

	private IdempotencyKeys() {
	}

	/**
	 * Return a new key.
	 * @return 22 characters
	 */
	static String next() {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		long high = random.nextLong();
		long low = random.nextLong();
		char[] chars = new char[22];
		// 64 + 64 bits in 6-bit groups: 10 from the first long (60 bits), one that
		// straddles both, then 11 from the rest of the second (its low 64 - 2 bits and
		// two zero bits at the end).
		for (int i = 0; i < 10; i++) {
			chars[i] = ALPHABET[(int) (high >>> (58 - 6 * i)) & 63];
		}
		chars[10] = ALPHABET[(int) (((high & 0xF) << 2) | (low >>> 62))];
		for (int i = 0; i < 11; i++) {
			int shift = 56 - 6 * i;
			chars[11 + i] = ALPHABET[(int) ((shift >= 0) ? (low >>> shift) : (low << -shift)) & 63];
		}
		return new String(chars);
	}

}
