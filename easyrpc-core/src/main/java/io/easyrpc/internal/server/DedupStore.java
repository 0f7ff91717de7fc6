package io.easyrpc.internal.server;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import io.easyrpc.RpcException;
import io.easyrpc.RpcStatus;
import io.easyrpc.middleware.CallObservation;
import org.jspecify.annotations.Nullable;

/**
 * The calls a server de-duplicates by idempotency key: those running and the outcomes of
 * those that ended, in a Caffeine cache. A key is scoped by method and caller (the peer's
 * host), so that one caller never reaches another's call.
 * <p>
 * A running call stays until it ends (or is evicted for room, after which a re-send runs
 * the method again); its outcome then stays for the time to live, unless evicted earlier
 * to keep within the bounds. The cache is bounded by weight: an entry weighs its encoded
 * outcome plus its key, and at least {@code maxBytes / maxEntries}, so that the total
 * weight bound keeps both the bytes and the number of entries within their limits.
 * Transient failures ({@link #isStored(RpcStatus) not stored}) are handed to the callers
 * waiting for them and then forgotten, so that a retry runs the method again.
 */
public final class DedupStore {

	/** The longest idempotency key a server accepts, in characters. */
	public static final int MAX_KEY_LENGTH = 128;

	// What an entry weighs besides its outcome and key: the objects that hold it.
	private static final int OVERHEAD = 160;

	private final Cache<Key, Entry> cache;

	private final Map<Key, Entry> entries;

	private final Duration ttl;

	private final int maxEntries;

	private final long maxBytes;

	/**
	 * Create a store.
	 * @param ttl how long an outcome is kept after its call ended
	 * @param maxEntries the most entries
	 * @param maxBytes the most bytes of outcomes and keys
	 * @param ticker the clock of the time to live
	 */
	public DedupStore(Duration ttl, int maxEntries, long maxBytes, Ticker ticker) {
		if (ttl.isNegative() || ttl.isZero()) {
			throw new IllegalArgumentException("The de-duplication TTL must be positive, not " + ttl);
		}
		if (maxEntries < 1 || maxBytes < 1) {
			throw new IllegalArgumentException("The de-duplication bounds must be positive, not " + maxEntries
					+ " entries, " + maxBytes + " bytes");
		}
		this.ttl = ttl;
		this.maxEntries = maxEntries;
		this.maxBytes = maxBytes;
		long ttlNanos = ttl.toNanos();
		int floor = (int) Math.min(Integer.MAX_VALUE, (maxBytes + maxEntries - 1) / maxEntries);
		this.cache = Caffeine.newBuilder()
			.ticker(ticker)
			.executor(Runnable::run)
			.maximumWeight(maxBytes)
			.<Key, Entry>weigher((key, entry) -> Math.max(floor, entry.weight(key)))
			.expireAfter(new Expiry<Key, Entry>() {

				@Override
				public long expireAfterCreate(Key key, Entry entry, long currentTime) {
					return entry.stored ? ttlNanos : Long.MAX_VALUE;
				}

				@Override
				public long expireAfterUpdate(Key key, Entry entry, long currentTime, long currentDuration) {
					return entry.stored ? ttlNanos : Long.MAX_VALUE;
				}

				@Override
				public long expireAfterRead(Key key, Entry entry, long currentTime, long currentDuration) {
					return currentDuration;
				}

			})
			.build();
		this.entries = this.cache.asMap();
	}

	/**
	 * Return how long an outcome is kept.
	 * @return the time to live
	 */
	public Duration ttl() {
		return this.ttl;
	}

	/**
	 * Return the most entries.
	 * @return the bound
	 */
	public int maxEntries() {
		return this.maxEntries;
	}

	/**
	 * Return the most bytes.
	 * @return the bound
	 */
	public long maxBytes() {
		return this.maxBytes;
	}

	/**
	 * Return the number of entries, running calls and kept outcomes, after pending
	 * evictions and expiries have been done.
	 * @return the count
	 */
	public long size() {
		this.cache.cleanUp();
		return this.cache.estimatedSize();
	}

	/**
	 * Return the weight of all entries.
	 * @return bytes, as weighed
	 */
	public long weight() {
		this.cache.cleanUp();
		return this.cache.policy().eviction().map((eviction) -> eviction.weightedSize().orElse(0)).orElse(0L);
	}

	/**
	 * Return whether an outcome with a status is kept for re-sends. Failures that say the
	 * call did not run, or ran out of time or was cancelled, are not: a retry runs the
	 * method again.
	 * @param status the status
	 * @return {@code true} if kept
	 */
	public static boolean isStored(RpcStatus status) {
		return switch (status) {
			case CANCELLED, DEADLINE_EXCEEDED, UNAVAILABLE, RESOURCE_EXHAUSTED -> false;
			default -> true;
		};
	}

	/**
	 * Register a new call under its key, or return the entry of the call that has it.
	 * @param entry a new running entry
	 * @return {@code null} if the entry was added, else the entry already there
	 */
	@Nullable Entry claim(Entry entry) {
		return this.entries.putIfAbsent(entry.key, entry);
	}

	/**
	 * End a running call: keep its outcome if it may be kept, else forget it.
	 * @param entry the call's running entry
	 * @param outcome its outcome
	 * @return the callers that joined it and wait for the outcome
	 */
	List<Waiter> complete(Entry entry, Outcome outcome) {
		List<Waiter> waiters = entry.finish(outcome);
		if (outcome.error() == null || isStored(outcome.error().getStatus())) {
			this.entries.replace(entry.key, entry, new Entry(entry.key, outcome));
		}
		else {
			this.entries.remove(entry.key, entry);
		}
		return waiters;
	}

	/**
	 * Forget a call that was refused before it ran.
	 * @param entry its running entry
	 * @param error why it was refused
	 * @return the callers that joined it meanwhile
	 */
	List<Waiter> abandon(Entry entry, RpcException error) {
		this.entries.remove(entry.key, entry);
		return entry.finish(new Outcome(null, error));
	}

	/**
	 * The key of an entry: method, caller and idempotency key.
	 *
	 * @param method the method key
	 * @param caller who may see the outcome
	 * @param idempotencyKey the caller's key
	 */
	record Key(String method, Object caller, String idempotencyKey) {

		int weight() {
			return 2 * (this.method.length() + this.idempotencyKey.length()) + OVERHEAD;
		}

	}

	/**
	 * The outcome of a call: the encoded result payload, or the error.
	 *
	 * @param payload the result as MessagePack, before payload processors
	 * @param error the error
	 */
	record Outcome(byte @Nullable [] payload, @Nullable RpcException error) {

		int weight() {
			if (this.payload != null) {
				return this.payload.length;
			}
			RpcException current = this.error;
			String message = current.getDescription();
			String trace = current.getRemoteStackTrace();
			return 2 * (((message != null) ? message.length() : 0) + ((trace != null) ? trace.length() : 0));
		}

	}

	/**
	 * A caller waiting for the outcome of a call that another request started.
	 *
	 * @param responder the caller's connection
	 * @param callId its call id
	 * @param entry the call it waits for
	 * @param observation the observation of its request, or {@code null}
	 */
	record Waiter(ServerResponder responder, int callId, Entry entry, @Nullable CallObservation observation) {

		// Identity, not the fields: two waiters are never the same.
		@Override
		public boolean equals(Object other) {
			return this == other;
		}

		@Override
		public int hashCode() {
			return System.identityHashCode(this);
		}

	}

	/**
	 * A call under its key: running, with the callers that joined it, or ended, with its
	 * outcome.
	 */
	static final class Entry {

		final Key key;

		final boolean stored;

		// Guarded by this while running.
		private @Nullable Outcome outcome;

		private @Nullable List<Waiter> waiters;

		Entry(Key key) {
			this.key = key;
			this.stored = false;
		}

		private Entry(Key key, Outcome outcome) {
			this.key = key;
			this.outcome = outcome;
			this.stored = true;
		}

		int weight(Key key) {
			Outcome current = this.outcome;
			long total = (long) key.weight() + ((this.stored && current != null) ? current.weight() : 0);
			return (int) Math.min(Integer.MAX_VALUE, total);
		}

		/**
		 * Wait for the outcome, or take it if it is known.
		 * @param waiter the caller
		 * @return the outcome, or {@code null} if the caller was added to those waiting
		 */
		synchronized @Nullable Outcome join(Waiter waiter) {
			if (this.outcome != null) {
				return this.outcome;
			}
			if (this.waiters == null) {
				this.waiters = new ArrayList<>(2);
			}
			this.waiters.add(waiter);
			return null;
		}

		/**
		 * Stop waiting.
		 * @param waiter the caller
		 */
		synchronized void leave(Waiter waiter) {
			if (this.waiters != null) {
				this.waiters.remove(waiter);
			}
		}

		/**
		 * Return whether another caller waits for the outcome.
		 * @return {@code true} if one does
		 */
		synchronized boolean hasWaiters() {
			return this.waiters != null && !this.waiters.isEmpty();
		}

		synchronized List<Waiter> finish(Outcome outcome) {
			this.outcome = outcome;
			List<Waiter> current = this.waiters;
			this.waiters = null;
			return (current != null) ? current : List.of();
		}

	}

}
