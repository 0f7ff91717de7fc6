package io.easyrpc.internal.client;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.LongSupplier;

import io.easyrpc.transport.RpcAddress;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The instances of one target and the choice among them. Each group of instances is told
 * of its addresses ({@link #addresses(int, List)}, from a resolver); the balancer makes a
 * {@link Subchannel} for each new address, drains and closes the subchannels of addresses
 * that are gone, and picks a subchannel per call by its {@link Policy}: from the first
 * group that has a usable one, so that later groups are fall-backs.
 * <p>
 * Picking reads volatile snapshots and takes no lock. A subchannel is usable while it is
 * not draining, not ejected ({@link Subchannel#isEjected(long)}) and not waiting out the
 * back-off after a failed connection attempt.
 */
public final class Balancer {

	private static final Logger logger = LoggerFactory.getLogger(Balancer.class);

	private static final Subchannel[] NONE = new Subchannel[0];

	// Points of each instance on the hash ring: enough for an even share of the keys
	// among a few instances.
	private static final int RING_POINTS = 160;

	private final String target;

	private final Policy policy;

	private final Function<RpcAddress, Subchannel> subchannels;

	private final LongSupplier nanoClock;

	private final Group[] groups;

	private final AtomicInteger next = new AtomicInteger();

	private final Object lock = new Object();

	private volatile @Nullable Runnable changeListener;

	private volatile boolean closed;

	/**
	 * Create a balancer; no group has addresses until it is told of them.
	 * @param target the target's name, for messages
	 * @param policy how to choose among the instances of a group
	 * @param groupCount the number of groups, in order of preference, at least one
	 * @param subchannels makes the subchannel of an address
	 * @param nanoClock the clock that times ejections
	 */
	public Balancer(String target, Policy policy, int groupCount, Function<RpcAddress, Subchannel> subchannels,
			LongSupplier nanoClock) {
		if (groupCount < 1) {
			throw new IllegalArgumentException("A target needs at least one group of addresses");
		}
		this.target = target;
		this.policy = policy;
		this.subchannels = subchannels;
		this.nanoClock = nanoClock;
		this.groups = new Group[groupCount];
		for (int i = 0; i < this.groups.length; i++) {
			this.groups[i] = new Group(i);
		}
	}

	/**
	 * Set what to call after each change of the addresses and after a resolution failure.
	 * @param listener the listener
	 */
	public void onChange(Runnable listener) {
		this.changeListener = listener;
	}

	/**
	 * Replace the addresses of a group.
	 * @param group the index of the group
	 * @param addresses the addresses, an empty list if none is known
	 */
	public void addresses(int group, List<RpcAddress> addresses) {
		this.groups[group].update(addresses);
	}

	/**
	 * Report that the addresses of a group could not be found; the last ones stay.
	 * @param group the index of the group
	 * @param error the failure
	 */
	public void failed(int group, Throwable error) {
		this.groups[group].failed(error);
	}

	/**
	 * Return the target's name.
	 * @return the name
	 */
	public String target() {
		return this.target;
	}

	/**
	 * Return the policy.
	 * @return the policy
	 */
	public Policy policy() {
		return this.policy;
	}

	/**
	 * Return whether every group has reported addresses or a failure at least once. Until
	 * then a call with no usable subchannel waits instead of failing.
	 * @return {@code true} once resolved
	 */
	public boolean isResolved() {
		for (Group group : this.groups) {
			if (!group.resolved && group.error == null) {
				return false;
			}
		}
		return true;
	}

	/**
	 * Return why no address is known, for the message of a failed call.
	 * @return a sentence
	 */
	public String describeNoInstance() {
		for (Group group : this.groups) {
			if (!group.resolved && group.error != null) {
				return "Cannot find the instances of " + this.target + ": " + group.error.getMessage();
			}
		}
		return "No instance of " + this.target + " is available";
	}

	/**
	 * Choose a usable subchannel.
	 * @param keyHash the hash of the routing key, used when {@code hasKey}
	 * @param hasKey whether the call has a routing key
	 * @param avoid a subchannel not to choose, or {@code null}
	 * @return the subchannel, or {@code null} if none is usable
	 */
	public @Nullable Subchannel pick(long keyHash, boolean hasKey, @Nullable Subchannel avoid) {
		long now = this.nanoClock.getAsLong();
		Subchannel chosen = pick(keyHash, hasKey, avoid, now, false);
		// An ejected instance is skipped only while another one can take the call.
		return (chosen != null) ? chosen : pick(keyHash, hasKey, avoid, now, true);
	}

	private @Nullable Subchannel pick(long keyHash, boolean hasKey, @Nullable Subchannel avoid, long now,
			boolean evenEjected) {
		for (Group group : this.groups) {
			Subchannel[] candidates = group.subchannels;
			if (candidates.length == 0) {
				continue;
			}
			Subchannel chosen = switch (this.policy) {
				case ROUND_ROBIN -> roundRobin(candidates, now, avoid, evenEjected);
				case LEAST_OUTSTANDING -> leastOutstanding(candidates, now, avoid, evenEjected);
				case HASH -> hasKey ? group.ring.pick(keyHash, now, avoid, evenEjected)
						: roundRobin(candidates, now, avoid, evenEjected);
			};
			if (chosen != null) {
				return chosen;
			}
		}
		return null;
	}

	/**
	 * Return the subchannel whose failure a call should report when none is usable: the
	 * first one that is not draining, of the first group that has one.
	 * @return the subchannel, or {@code null} if there is none
	 */
	public @Nullable Subchannel anyRemaining() {
		for (Group group : this.groups) {
			for (Subchannel candidate : group.subchannels) {
				if (!candidate.isDraining()) {
					return candidate;
				}
			}
		}
		return null;
	}

	// Each skipped candidate uses up a turn, so that the calls a failed instance would
	// have had spread over the others instead of all going to its successor.
	private @Nullable Subchannel roundRobin(Subchannel[] candidates, long now, @Nullable Subchannel avoid,
			boolean evenEjected) {
		int count = candidates.length;
		for (int i = 0; i < count; i++) {
			Subchannel candidate = candidates[Math.floorMod(this.next.getAndIncrement(), count)];
			if (candidate != avoid && candidate.isUsable(now, evenEjected)) {
				return candidate;
			}
		}
		return null;
	}

	private @Nullable Subchannel leastOutstanding(Subchannel[] candidates, long now, @Nullable Subchannel avoid,
			boolean evenEjected) {
		int count = candidates.length;
		if (count > 1) {
			ThreadLocalRandom random = ThreadLocalRandom.current();
			int first = random.nextInt(count);
			int second = random.nextInt(count - 1);
			if (second >= first) {
				second++;
			}
			Subchannel a = candidates[first];
			Subchannel b = candidates[second];
			boolean aUsable = a != avoid && a.isUsable(now, evenEjected);
			boolean bUsable = b != avoid && b.isUsable(now, evenEjected);
			if (aUsable && bUsable) {
				return (b.outstandingCalls() < a.outstandingCalls()) ? b : a;
			}
			if (aUsable) {
				return a;
			}
			if (bUsable) {
				return b;
			}
		}
		return roundRobin(candidates, now, avoid, evenEjected);
	}

	/**
	 * Return the subchannels of every group, in order.
	 * @return the subchannels
	 */
	public List<Subchannel> subchannels() {
		List<Subchannel> all = new ArrayList<>();
		for (Group group : this.groups) {
			all.addAll(Arrays.asList(group.subchannels));
		}
		return all;
	}

	/**
	 * Return the number of calls waiting for a connection or their response, over every
	 * subchannel.
	 * @return the count
	 */
	public int pendingCalls() {
		int count = 0;
		for (Group group : this.groups) {
			for (Subchannel subchannel : group.subchannels) {
				count += subchannel.pendingCalls();
			}
		}
		return count;
	}

	/**
	 * Return whether the current thread is the event loop of a connection of a
	 * subchannel.
	 * @return {@code true} on such a thread
	 */
	public boolean inEventLoop() {
		for (Group group : this.groups) {
			for (Subchannel subchannel : group.subchannels) {
				if (subchannel.inEventLoop()) {
					return true;
				}
			}
		}
		return false;
	}

	/**
	 * Return the index of the group a subchannel belongs to.
	 * @param subchannel the subchannel
	 * @return the index, {@code -1} if it is no longer in any
	 */
	public int groupOf(Subchannel subchannel) {
		for (Group group : this.groups) {
			for (Subchannel candidate : group.subchannels) {
				if (candidate == subchannel) {
					return group.index;
				}
			}
		}
		return -1;
	}

	/**
	 * Shut every subchannel down; later addresses are ignored.
	 */
	public void close() {
		List<Subchannel> all;
		synchronized (this.lock) {
			if (this.closed) {
				return;
			}
			this.closed = true;
			all = subchannels();
			for (Group group : this.groups) {
				group.subchannels = NONE;
				group.byAddress.clear();
			}
		}
		for (Subchannel subchannel : all) {
			subchannel.shutdown();
		}
	}

	private void changed() {
		Runnable listener = this.changeListener;
		if (listener != null) {
			listener.run();
		}
	}

	/**
	 * Return a hash of a routing key, the same in every JVM: 64-bit FNV-1a over the
	 * characters of its {@code toString()}, then mixed.
	 * @param key the key
	 * @return the hash
	 */
	public static long hash(Object key) {
		return hash(key.toString());
	}

	static long hash(String text) {
		long hash = 0xcbf29ce484222325L;
		for (int i = 0; i < text.length(); i++) {
			hash ^= text.charAt(i);
			hash *= 0x100000001b3L;
		}
		// The finalizer of MurmurHash3's 64-bit variant spreads nearby inputs.
		hash ^= hash >>> 33;
		hash *= 0xff51afd7ed558ccdL;
		hash ^= hash >>> 33;
		hash *= 0xc4ceb9fe1a85ec53L;
		hash ^= hash >>> 33;
		return hash;
	}

	/**
	 * How a balancer chooses among the usable instances of a group.
	 */
	public enum Policy {

		/** Each in turn. */
		ROUND_ROBIN,

		/** The one with fewer outstanding calls of two chosen at random. */
		LEAST_OUTSTANDING,

		/** Consistent hashing of the routing key; round robin without one. */
		HASH

	}

	/**
	 * The instances one resolver reports.
	 */
	private final class Group {

		private final int index;

		// Changed under the balancer's lock.
		private final Map<RpcAddress, Subchannel> byAddress = new LinkedHashMap<>();

		private volatile Subchannel[] subchannels = NONE;

		private volatile Ring ring = Ring.EMPTY;

		private volatile boolean resolved;

		private volatile @Nullable Throwable error;

		Group(int index) {
			this.index = index;
		}

		void update(List<RpcAddress> addresses) {
			List<Subchannel> removed = new ArrayList<>();
			synchronized (Balancer.this.lock) {
				if (Balancer.this.closed) {
					return;
				}
				Map<RpcAddress, Subchannel> kept = new LinkedHashMap<>();
				for (RpcAddress address : addresses) {
					if (kept.containsKey(address)) {
						continue;
					}
					Subchannel existing = this.byAddress.remove(address);
					if (existing != null) {
						kept.put(address, existing);
						continue;
					}
					try {
						kept.put(address, Balancer.this.subchannels.apply(address));
					}
					catch (RuntimeException ex) {
						// An address this channel cannot call (a scheme that contradicts
						// its TLS settings, say) must not cost the others.
						logger.warn("Not calling {} as an instance of {}: {}", address, Balancer.this.target,
								ex.getMessage());
					}
				}
				removed.addAll(this.byAddress.values());
				this.byAddress.clear();
				this.byAddress.putAll(kept);
				Subchannel[] current = kept.values().toArray(NONE);
				this.ring = (Balancer.this.policy == Policy.HASH) ? Ring.of(current) : Ring.EMPTY;
				this.subchannels = current;
				this.resolved = true;
				this.error = null;
			}
			if (logger.isDebugEnabled()) {
				logger.debug("Instances of {} (group {}): {}", Balancer.this.target, this.index, addresses);
			}
			for (Subchannel gone : removed) {
				gone.drain();
			}
			changed();
		}

		void failed(Throwable error) {
			this.error = error;
			logger.warn("Cannot find the instances of {}{}: {}", Balancer.this.target,
					this.resolved ? " (keeping the last ones found)" : "", error.toString());
			changed();
		}

	}

	/**
	 * Consistent hashing: each subchannel owns the arcs before its points on a ring of
	 * 64-bit hashes; a key goes to the owner of the first point at or after its hash, or
	 * the next usable owner around the ring.
	 */
	private static final class Ring {

		static final Ring EMPTY = new Ring(new long[0], NONE);

		private final long[] points;

		private final Subchannel[] owners;

		private Ring(long[] points, Subchannel[] owners) {
			this.points = points;
			this.owners = owners;
		}

		static Ring of(Subchannel[] subchannels) {
			int size = subchannels.length * RING_POINTS;
			long[][] entries = new long[size][];
			int n = 0;
			for (int s = 0; s < subchannels.length; s++) {
				String address = subchannels[s].address().toString();
				for (int p = 0; p < RING_POINTS; p++) {
					entries[n++] = new long[] { hash(address + "#" + p), s };
				}
			}
			Arrays.sort(entries, (a, b) -> Long.compare(a[0], b[0]));
			long[] points = new long[size];
			Subchannel[] owners = new Subchannel[size];
			for (int i = 0; i < size; i++) {
				points[i] = entries[i][0];
				owners[i] = subchannels[(int) entries[i][1]];
			}
			return new Ring(points, owners);
		}

		@Nullable Subchannel pick(long hash, long now, @Nullable Subchannel avoid, boolean evenEjected) {
			int size = this.points.length;
			if (size == 0) {
				return null;
			}
			int start = Arrays.binarySearch(this.points, hash);
			if (start < 0) {
				start = -start - 1;
			}
			for (int i = 0; i < size; i++) {
				Subchannel owner = this.owners[(start + i) % size];
				if (owner != avoid && owner.isUsable(now, evenEjected)) {
					return owner;
				}
			}
			return null;
		}

	}

}
