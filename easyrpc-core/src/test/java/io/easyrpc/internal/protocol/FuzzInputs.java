package io.easyrpc.internal.protocol;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Mutations of valid MessagePack input for the fuzz properties: bit flips, truncation,
 * inflated size headers, overwritten, inserted and appended bytes. Also counts the inputs
 * tried and measures what decoding one of them allocates.
 */
public final class FuzzInputs {

	/**
	 * Mutated inputs derived from each generated one: 9, or the system property
	 * {@code easyrpc.fuzz.mutations} (the fuzz profile decodes more mutations per
	 * generated input, so that generating values does not dominate).
	 */
	public static final int MUTATIONS = Integer.getInteger("easyrpc.fuzz.mutations", 9);

	private static final int[] SIZED = { 0xc4, 0xc5, 0xc6, 0xc7, 0xc8, 0xc9, 0xd9, 0xda, 0xdb, 0xdc, 0xdd, 0xde, 0xdf };

	private static final com.sun.management.ThreadMXBean THREADS = (com.sun.management.ThreadMXBean) ManagementFactory
		.getThreadMXBean();

	private static final AtomicLong inputs = new AtomicLong();

	private FuzzInputs() {
	}

	/**
	 * Count one decoded input.
	 */
	public static void count() {
		inputs.incrementAndGet();
	}

	/**
	 * Return the number of inputs counted so far in this JVM.
	 * @return the count
	 */
	public static long counted() {
		return inputs.get();
	}

	/**
	 * Return the bytes the current thread has allocated so far.
	 * @return the allocated bytes
	 */
	public static long allocated() {
		return THREADS.getCurrentThreadAllocatedBytes();
	}

	/**
	 * Return the most a decoder may allocate for an input: generous, but far below what a
	 * size header could make a careless decoder allocate.
	 * @param inputLength the length of the input
	 * @return the bound in bytes
	 */
	public static long allocationBound(int inputLength) {
		return 8L * 1024 * 1024 + 64L * inputLength;
	}

	/**
	 * Return a mutation of {@code valid}.
	 * @param valid the valid input, not changed
	 * @param random the source of randomness
	 * @return the mutated input
	 */
	public static byte[] mutate(byte[] valid, Random random) {
		byte[] bytes = valid.clone();
		switch (random.nextInt(7)) {
			case 0 -> {
				int flips = 1 + random.nextInt(4);
				for (int i = 0; i < flips && bytes.length > 0; i++) {
					bytes[random.nextInt(bytes.length)] ^= (byte) (1 << random.nextInt(8));
				}
				return bytes;
			}
			case 1 -> {
				return Arrays.copyOf(bytes, (bytes.length > 0) ? random.nextInt(bytes.length) : 0);
			}
			case 2, 3 -> {
				return inflate(bytes, random);
			}
			case 4 -> {
				if (bytes.length > 0) {
					bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
				}
				return bytes;
			}
			case 5 -> {
				int at = (bytes.length > 0) ? random.nextInt(bytes.length + 1) : 0;
				byte[] inserted = new byte[1 + random.nextInt(8)];
				random.nextBytes(inserted);
				byte[] result = new byte[bytes.length + inserted.length];
				System.arraycopy(bytes, 0, result, 0, at);
				System.arraycopy(inserted, 0, result, at, inserted.length);
				System.arraycopy(bytes, at, result, at + inserted.length, bytes.length - at);
				return result;
			}
			default -> {
				byte[] result = Arrays.copyOf(bytes, bytes.length + 1 + random.nextInt(6));
				for (int i = bytes.length; i < result.length; i++) {
					result[i] = (byte) random.nextInt(256);
				}
				return result;
			}
		}
	}

	// Give a size header a huge claim: an existing one if the input has any, else a
	// str32, array32, map32, bin32 or ext32 header planted at a random place.
	private static byte[] inflate(byte[] bytes, Random random) {
		int[] candidates = new int[bytes.length];
		int count = 0;
		for (int i = 0; i < bytes.length; i++) {
			int b = bytes[i] & 0xff;
			for (int format : SIZED) {
				if (b == format) {
					candidates[count++] = i;
				}
			}
		}
		int at;
		if (count > 0 && random.nextInt(4) != 0) {
			at = candidates[random.nextInt(count)];
		}
		else {
			at = (bytes.length > 0) ? random.nextInt(bytes.length) : 0;
			int[] planted = { 0xdb, 0xdd, 0xdf, 0xc6, 0xc9 };
			if (at < bytes.length) {
				bytes[at] = (byte) planted[random.nextInt(planted.length)];
			}
		}
		long claim = switch (random.nextInt(4)) {
			case 0 -> 0xffffffffL;
			case 1 -> 0x80000000L;
			case 2 -> 0x7fffffffL;
			default -> random.nextInt() & 0xffffffffL;
		};
		for (int i = 1; i <= 4 && at + i < bytes.length; i++) {
			bytes[at + i] = (byte) (claim >>> (8 * (4 - i)));
		}
		return bytes;
	}

}
