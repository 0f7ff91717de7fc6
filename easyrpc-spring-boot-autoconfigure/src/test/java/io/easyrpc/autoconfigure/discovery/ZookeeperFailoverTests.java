package io.easyrpc.autoconfigure.discovery;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.easyrpc.RpcException;
import io.easyrpc.server.RpcServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Fail-over under load against servers registered in a real ZooKeeper: while 20 000 calls
 * run on four threads through {@code discovery://inventory-service}, one of three
 * instances stops (it deregisters, then drains) and another dies (its RPC server closes
 * every connection at once while its registration stays). No call that never reached a
 * server fails; every call is answered once.
 */
class ZookeeperFailoverTests {

	private static final Logger logger = LoggerFactory.getLogger(ZookeeperFailoverTests.class);

	private static final int THREADS = 4;

	private static final int CALLS_PER_THREAD = 5000;

	private DiscoveryApplications applications;

	@BeforeEach
	void startZookeeper() throws Exception {
		this.applications = new DiscoveryApplications();
	}

	@AfterEach
	void stopZookeeper() throws Exception {
		this.applications.close();
	}

	@Test
	void instancesThatStopOrDieDuringTrafficFailNoCallThatNeverReachedThem() throws Exception {
		ConfigurableApplicationContext one = this.applications.server("one", WebApplicationType.NONE);
		ConfigurableApplicationContext two = this.applications.server("two", WebApplicationType.NONE);
		ConfigurableApplicationContext three = this.applications.server("three", WebApplicationType.NONE);
		List<DiscoveryApplications.InventoryService> services = List.of(one, two, three)
			.stream()
			.map((server) -> server.getBean(DiscoveryApplications.InventoryService.class))
			.toList();
		InventoryClient client = this.applications.client().getBean(InventoryClient.class);
		await().atMost(Duration.ofSeconds(60)).until(() -> answersFromAll(client, Set.of("one", "two", "three")));
		int warmUpCalls = services.stream().mapToInt(DiscoveryApplications.InventoryService::calls).sum();

		Map<String, AtomicInteger> answers = new ConcurrentHashMap<>();
		List<String> early = new ArrayList<>();
		List<RpcException> failures = new ArrayList<>();
		AtomicInteger done = new AtomicInteger();
		ExecutorService pool = Executors.newFixedThreadPool(THREADS);
		try {
			List<Future<?>> runs = new ArrayList<>();
			for (int t = 0; t < THREADS; t++) {
				runs.add(pool.submit(() -> {
					for (int i = 0; i < CALLS_PER_THREAD; i++) {
						try {
							String instance = client.instance();
							answers.computeIfAbsent(instance, (key) -> new AtomicInteger()).incrementAndGet();
							synchronized (early) {
								if (early.size() < 3000) {
									early.add(instance);
								}
							}
						}
						catch (RpcException ex) {
							synchronized (failures) {
								failures.add(ex);
							}
						}
						done.incrementAndGet();
					}
				}));
			}
			await().atMost(Duration.ofMinutes(2)).until(() -> done.get() >= 5000);
			// Stopped: it leaves ZooKeeper, then drains.
			one.close();
			await().atMost(Duration.ofMinutes(2)).until(() -> done.get() >= 10000);
			// Died: every connection closes at once; ZooKeeper still lists it.
			two.getBean(RpcServer.class).stop(Duration.ZERO);
			for (Future<?> run : runs) {
				run.get(5, TimeUnit.MINUTES);
			}
		}
		finally {
			pool.shutdownNow();
		}
		int answered = answers.values().stream().mapToInt(AtomicInteger::get).sum();
		assertThat(answered + failures.size()).isEqualTo(THREADS * CALLS_PER_THREAD);
		// Each answered call ran once; a failed one ran at most once.
		int executed = services.stream().mapToInt(DiscoveryApplications.InventoryService::calls).sum() - warmUpCalls;
		assertThat(executed).isBetween(answered, answered + failures.size());
		// A call fails only if it was on the connection of the instance that died: at
		// most
		// one call per thread was in flight there.
		assertThat(failures).hasSizeLessThanOrEqualTo(THREADS)
			.allSatisfy((failure) -> assertThat(failure.getMessage()).contains("closed"));
		// Round robin over three live instances: each within 10 % of a third.
		Map<String, Integer> spread = new TreeMap<>();
		early.forEach((instance) -> spread.merge(instance, 1, Integer::sum));
		assertThat(spread).containsOnlyKeys("one", "two", "three");
		assertThat(spread.values()).allSatisfy((count) -> assertThat(count).isBetween(900, 1100));
		logger.info("Fail-over: {} answered, {} failed, {} executed, per instance {}, first 3000 spread {}", answered,
				failures.size(), executed, answers, spread);
	}

	private static boolean answersFromAll(InventoryClient client, Set<String> instances) {
		Set<String> seen = new HashSet<>();
		for (int i = 0; i < 30 && !seen.containsAll(instances); i++) {
			try {
				seen.add(client.instance());
			}
			catch (RpcException ex) {
				// Not every instance is known yet.
			}
		}
		return seen.containsAll(instances);
	}

}
