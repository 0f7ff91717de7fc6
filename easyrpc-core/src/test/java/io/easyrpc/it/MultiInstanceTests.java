package io.easyrpc.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.easyrpc.RoutingKey;
import io.easyrpc.RpcException;
import io.easyrpc.RpcStatus;
import io.easyrpc.client.AddressResolver;
import io.easyrpc.client.ClientDefinition;
import io.easyrpc.client.LoadBalancing;
import io.easyrpc.client.RpcChannel;
import io.easyrpc.server.RpcServer;
import io.easyrpc.transport.RpcAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One channel over several server instances on loopback sockets: balancing, routing keys,
 * instances that come, go or fail, and fall-back groups.
 */
@ExtendWith(LeakDetectionExtension.class)
class MultiInstanceTests {

	private final RpcFixture rpc = new RpcFixture();

	private final Map<String, AtomicInteger> served = new ConcurrentHashMap<>();

	@AfterEach
	void close() {
		this.rpc.close();
	}

	@Test
	void roundRobinSpreadsCallsEvenly() {
		List<RpcServer> servers = List.of(server("a"), server("b"), server("c"));
		RpcChannel channel = channel(RpcChannel.builder(addresses(servers)));
		Who who = this.rpc.client(Who.class, channel);
		Map<String, Integer> answers = new HashMap<>();
		for (int i = 0; i < 3000; i++) {
			answers.merge(who.who("k" + i), 1, Integer::sum);
		}
		assertThat(answers).containsOnlyKeys("a", "b", "c");
		assertThat(answers.values()).allSatisfy((count) -> assertThat(count).isBetween(900, 1100));
		assertThat(channel.instances()).hasSize(3)
			.allSatisfy((instance) -> assertThat(instance.state()).isEqualTo(RpcChannel.State.READY));
	}

	@Test
	void instanceThatStopsDuringTrafficLosesNoCall() throws Exception {
		List<RpcServer> servers = List.of(server("a"), server("b"), server("c"));
		RpcChannel channel = channel(RpcChannel.builder(addresses(servers)));
		Who who = this.rpc.client(Who.class, channel);
		AtomicInteger answered = new AtomicInteger();
		List<Throwable> failures = new ArrayList<>();
		int threads = 4;
		int callsPerThread = 1500;
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		try {
			List<Future<?>> runs = new ArrayList<>();
			for (int t = 0; t < threads; t++) {
				runs.add(pool.submit(() -> {
					for (int i = 0; i < callsPerThread; i++) {
						try {
							who.who("x");
							answered.incrementAndGet();
						}
						catch (RpcException ex) {
							synchronized (failures) {
								failures.add(ex);
							}
						}
					}
				}));
			}
			await().atMost(Duration.ofSeconds(30)).until(() -> answered.get() > 1000);
			// Drains: the calls it has finish, new ones go elsewhere.
			servers.get(0).stop(Duration.ofSeconds(10));
			for (Future<?> run : runs) {
				run.get(2, TimeUnit.MINUTES);
			}
		}
		finally {
			pool.shutdownNow();
		}
		assertThat(failures).isEmpty();
		assertThat(answered.get()).isEqualTo(threads * callsPerThread);
		int servedTotal = this.served.values().stream().mapToInt(AtomicInteger::get).sum();
		assertThat(servedTotal).as("every call served exactly once").isEqualTo(threads * callsPerThread);
	}

	@Test
	void callsNeverSentToAnInstanceThatIsGoneMoveToAnother() {
		RpcServer a = server("a");
		RpcServer b = server("b");
		RpcChannel channel = channel(RpcChannel.builder(addresses(List.of(a, b)))
			.initialBackoff(Duration.ofSeconds(5))
			.maxBackoff(Duration.ofSeconds(5)));
		Who who = this.rpc.client(Who.class, channel);
		RpcAddress goneAddress = RpcFixture.address(a);
		a.stop(Duration.ZERO);
		// Every call reaches b: those that tried a first were refused before they were
		// sent.
		for (int i = 0; i < 20; i++) {
			assertThat(who.who("k")).isEqualTo("b");
		}
		assertThat(this.served.get("b").get()).isEqualTo(20);
		RpcChannel.Instance gone = channel.instances().get(0);
		assertThat(gone.address()).isEqualTo(goneAddress);
		assertThat(gone.state()).isEqualTo(RpcChannel.State.TRANSIENT_FAILURE);
		assertThat(gone.outstandingCalls()).isZero();
	}

	@Test
	void callFailsWithUnavailableOnlyWhenNoInstanceCanTakeIt() {
		RpcServer a = server("a");
		RpcServer b = server("b");
		RpcChannel channel = channel(RpcChannel.builder(addresses(List.of(a, b))));
		Who who = this.rpc.client(Who.class, channel);
		a.stop(Duration.ZERO);
		b.stop(Duration.ZERO);
		RpcException failure = catchRpc(() -> who.who("k"));
		assertThat(failure.getStatus()).isEqualTo(RpcStatus.UNAVAILABLE);
		assertThat(failure.getMessage()).contains("Cannot connect to");
	}

	@Test
	void hashRoutingSendsEachKeyToOneInstanceAndMovesFewKeysWhenOneLeaves() {
		List<RpcServer> servers = List.of(server("a"), server("b"), server("c"));
		MutableResolver resolver = new MutableResolver(addresses(servers));
		RpcChannel channel = channel(RpcChannel.builder("who", resolver).loadBalancing(LoadBalancing.HASH));
		Who who = this.rpc.client(Who.class, channel);
		Map<String, String> owners = new HashMap<>();
		for (int i = 0; i < 300; i++) {
			String key = "customer-" + i;
			String owner = who.who(key);
			owners.put(key, owner);
			assertThat(who.who(key)).isEqualTo(owner);
		}
		Map<String, Integer> share = new HashMap<>();
		owners.values().forEach((owner) -> share.merge(owner, 1, Integer::sum));
		assertThat(share).containsOnlyKeys("a", "b", "c");
		assertThat(share.values()).allSatisfy((count) -> assertThat(count).isBetween(50, 150));

		resolver.set(addresses(List.of(servers.get(0), servers.get(2))));
		int moved = 0;
		for (Map.Entry<String, String> entry : owners.entrySet()) {
			String owner = who.who(entry.getKey());
			if (!owner.equals(entry.getValue())) {
				moved++;
				assertThat(entry.getValue()).as("only keys of the instance that left move").isEqualTo("b");
			}
		}
		assertThat(moved).isEqualTo(share.get("b"));
	}

	@Test
	void instanceThatJoinsGetsCallsAndOneThatLeavesIsDrainedAndClosed() {
		RpcServer a = server("a");
		RpcServer b = server("b");
		MutableResolver resolver = new MutableResolver(addresses(List.of(a)));
		RpcChannel channel = channel(RpcChannel.builder("who", resolver));
		Who who = this.rpc.client(Who.class, channel);
		assertThat(who.who("k")).isEqualTo("a");

		resolver.set(addresses(List.of(a, b)));
		Map<String, Integer> answers = new HashMap<>();
		for (int i = 0; i < 100; i++) {
			answers.merge(who.who("k"), 1, Integer::sum);
		}
		assertThat(answers).containsOnlyKeys("a", "b");
		assertThat(answers.get("b")).isBetween(40, 60);

		resolver.set(addresses(List.of(b)));
		await().atMost(Duration.ofSeconds(10)).until(() -> a.connectionCount() == 0);
		for (int i = 0; i < 10; i++) {
			assertThat(who.who("k")).isEqualTo("b");
		}
		assertThat(channel.instances()).extracting(RpcChannel.Instance::address).containsExactly(RpcFixture.address(b));
	}

	@Test
	void callsWaitForTheFirstAddressesAndFailWhenThereAreNone() {
		RpcServer a = server("a");
		MutableResolver resolver = new MutableResolver(null);
		RpcChannel channel = channel(RpcChannel.builder("who", resolver));
		Who who = this.rpc.client(Who.class, channel);
		CompletableFuture<String> call = CompletableFuture.supplyAsync(() -> who.who("k"));
		await().atMost(Duration.ofSeconds(10)).until(() -> channel.pendingCalls() == 1);
		assertThat(call).isNotDone();
		resolver.set(addresses(List.of(a)));
		assertThat(call.join()).isEqualTo("a");

		resolver.set(List.of());
		RpcException failure = catchRpc(() -> who.who("k"));
		assertThat(failure.getStatus()).isEqualTo(RpcStatus.UNAVAILABLE);
		assertThat(failure.getMessage()).contains("No instance of who");
	}

	@Test
	void fallbackGroupTakesCallsWhileThePrimaryHasNoUsableInstance() {
		RpcServer primary = server("primary");
		RpcServer fallback = server("fallback");
		RpcChannel channel = channel(RpcChannel.builder(List.of(RpcFixture.address(primary)))
			.fallback(List.of(RpcFixture.address(fallback)))
			.initialBackoff(Duration.ofSeconds(30))
			.maxBackoff(Duration.ofSeconds(30)));
		Who who = this.rpc.client(Who.class, channel);
		assertThat(who.who("k")).isEqualTo("primary");
		primary.stop(Duration.ZERO);
		for (int i = 0; i < 5; i++) {
			assertThat(who.who("k")).isEqualTo("fallback");
		}
		assertThat(channel.instances()).extracting(RpcChannel.Instance::group).containsExactly(0, 1);
	}

	@Test
	void leastOutstandingSendsFewCallsToAnInstanceThatHangs() throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		RpcServer slow = this.rpc.tcpServer(new WhoService("slow", this.served, release));
		RpcServer fast = server("fast");
		RpcChannel channel = channel(
				RpcChannel.builder(addresses(List.of(slow, fast))).loadBalancing(LoadBalancing.LEAST_OUTSTANDING));
		AsyncWho who = this.rpc.client(new ClientDefinition(AsyncWho.class, "Who", null, RpcFixture.TIMEOUT, null),
				channel);
		List<CompletableFuture<String>> calls = new ArrayList<>();
		try {
			for (int i = 0; i < 50; i++) {
				int hanging = channel.instances().get(0).outstandingCalls();
				CompletableFuture<String> call = who.who("k");
				calls.add(call);
				// Answered by the fast one, or hanging on the slow one.
				await().atMost(Duration.ofSeconds(10))
					.until(() -> call.isDone() || channel.instances().get(0).outstandingCalls() > hanging);
			}
			assertThat(channel.instances().get(0).outstandingCalls()).isLessThanOrEqualTo(2);
		}
		finally {
			release.countDown();
		}
		CompletableFuture.allOf(calls.toArray(new CompletableFuture<?>[0])).get(30, TimeUnit.SECONDS);
		assertThat(this.served.get("fast").get()).isGreaterThanOrEqualTo(48);
	}

	private RpcServer server(String name) {
		return this.rpc.tcpServer(new WhoService(name, this.served, null));
	}

	private static List<RpcAddress> addresses(List<RpcServer> servers) {
		return servers.stream().map(RpcFixture::address).toList();
	}

	private RpcChannel channel(RpcChannel.Builder builder) {
		RpcChannel channel = builder.codec(RpcFixture.CODEC).build();
		this.rpc.onClose(channel::close);
		return channel;
	}

	private static RpcException catchRpc(Runnable call) {
		try {
			call.run();
		}
		catch (RpcException ex) {
			return ex;
		}
		throw new AssertionError("The call did not fail");
	}

	public interface Who {

		String who(@RoutingKey String key);

	}

	public interface AsyncWho {

		CompletableFuture<String> who(String key);

	}

	static class WhoService implements Who {

		private final String name;

		private final AtomicInteger count;

		private final CountDownLatch release;

		WhoService(String name, Map<String, AtomicInteger> served, CountDownLatch release) {
			this.name = name;
			this.count = served.computeIfAbsent(name, (key) -> new AtomicInteger());
			this.release = release;
		}

		@Override
		public String who(String key) {
			if (this.release != null) {
				try {
					this.release.await(30, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
			this.count.incrementAndGet();
			return this.name;
		}

	}

	/**
	 * Reports the addresses a test sets, like a registry would.
	 */
	static final class MutableResolver implements AddressResolver {

		private volatile Listener listener;

		private final List<RpcAddress> initial;

		MutableResolver(List<RpcAddress> initial) {
			this.initial = initial;
		}

		@Override
		public void start(Listener listener) {
			this.listener = listener;
			if (this.initial != null) {
				listener.onAddresses(this.initial);
			}
		}

		void set(List<RpcAddress> addresses) {
			this.listener.onAddresses(addresses);
		}

	}

}
