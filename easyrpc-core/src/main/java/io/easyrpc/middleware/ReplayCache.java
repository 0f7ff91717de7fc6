package io.easyrpc.middleware;

import java.util.HashSet;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * Remembers the nonces of authenticated messages for as long as their timestamps are
 * within the allowed clock skew, so that a message seen twice is refused.
 * <p>
 * Memory is bounded in two ways. An entry is dropped once its timestamp is more than the
 * window behind the clock: a copy of the message would be refused as stale from then on.
 * And the cache holds at most {@code capacity} entries: when a new message would exceed
 * it, the entries with the oldest timestamps are dropped. Whatever the reason an entry is
 * dropped, the cache remembers the newest timestamp it has dropped (its <em>floor</em>)
 * and reports every later message with a timestamp at or below the floor as
 * {@link Result#FORGOTTEN}. So no replay is ever accepted: a cache that is too small
 * narrows the window of accepted timestamps instead, and a clock that jumps back cannot
 * revive forgotten nonces.
 * <p>
 * The nonces are spread over independently locked segments so that threads rarely wait
 * for each other; the floor and the capacity apply per segment.
 */
final class ReplayCache {

	private final long windowMillis;

	private final Segment[] segments;

	/**
	 * Create a cache.
	 * @param windowMillis how long after its timestamp a message is still accepted
	 * @param capacity the largest number of nonces remembered
	 */
	ReplayCache(long windowMillis, int capacity) {
		if (capacity < 1) {
			throw new IllegalArgumentException("Replay cache capacity must be positive, was " + capacity);
		}
		this.windowMillis = windowMillis;
		int count = 1;
		while (count < 16 && count * 2 * 1024 <= capacity) {
			count *= 2;
		}
		this.segments = new Segment[count];
		int perSegment = (capacity + count - 1) / count;
		for (int i = 0; i < count; i++) {
			this.segments[i] = new Segment(perSegment);
		}
	}

	/**
	 * Record a message and tell whether it may be accepted.
	 * @param nonceHigh the first 8 bytes of the nonce
	 * @param nonceLow the last 4 bytes of the nonce
	 * @param timestamp the message's timestamp in epoch milliseconds
	 * @param now the receiver's clock in epoch milliseconds
	 * @return the verdict
	 */
	Result check(long nonceHigh, int nonceLow, long timestamp, long now) {
		int hash = Long.hashCode(nonceHigh) ^ nonceLow;
		hash ^= (hash >>> 16);
		Segment segment = this.segments[hash & (this.segments.length - 1)];
		return segment.check(new Entry(timestamp, nonceHigh, nonceLow), now - this.windowMillis);
	}

	/**
	 * Drop the nonces that have expired by now and return the number of those left.
	 * @param now the receiver's clock in epoch milliseconds
	 * @return the number of entries
	 */
	int size(long now) {
		int size = 0;
		for (Segment segment : this.segments) {
			size += segment.size(now - this.windowMillis);
		}
		return size;
	}

	/**
	 * Verdict on a message.
	 */
	enum Result {

		/** First time seen: accept. */
		FRESH,

		/** Seen before: refuse. */
		REPLAYED,

		/** At or below the timestamps the cache has dropped: it cannot tell, refuse. */
		FORGOTTEN

	}

	/**
	 * One independently locked part of the cache: a hash set answers "seen before?", a
	 * heap ordered by timestamp gives the oldest entry to expire or evict. New messages
	 * carry the newest timestamps, so adding one to the heap rarely moves it.
	 */
	private static final class Segment {

		private final Set<Entry> entries = new HashSet<>();

		private final PriorityQueue<Entry> byAge = new PriorityQueue<>();

		private final int capacity;

		private long floor = Long.MIN_VALUE;

		Segment(int capacity) {
			this.capacity = capacity;
		}

		synchronized Result check(Entry entry, long expireBefore) {
			expire(expireBefore);
			if (entry.timestamp <= this.floor) {
				return Result.FORGOTTEN;
			}
			if (!this.entries.add(entry)) {
				return Result.REPLAYED;
			}
			this.byAge.add(entry);
			while (this.entries.size() > this.capacity) {
				forgetOldest();
			}
			return Result.FRESH;
		}

		synchronized int size(long expireBefore) {
			expire(expireBefore);
			return this.entries.size();
		}

		private void expire(long expireBefore) {
			Entry oldest;
			while ((oldest = this.byAge.peek()) != null && oldest.timestamp < expireBefore) {
				forgetOldest();
			}
		}

		private void forgetOldest() {
			Entry oldest = this.byAge.poll();
			this.entries.remove(oldest);
			this.floor = Math.max(this.floor, oldest.timestamp);
		}

	}

	private record Entry(long timestamp, long nonceHigh, int nonceLow) implements Comparable<Entry> {

		@Override
		public int compareTo(Entry other) {
			int result = Long.compare(this.timestamp, other.timestamp);
			if (result == 0) {
				result = Long.compare(this.nonceHigh, other.nonceHigh);
			}
			if (result == 0) {
				result = Integer.compare(this.nonceLow, other.nonceLow);
			}
			return result;
		}

	}

}
