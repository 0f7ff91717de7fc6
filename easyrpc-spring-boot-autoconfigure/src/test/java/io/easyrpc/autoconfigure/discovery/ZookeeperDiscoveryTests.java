package io.easyrpc.autoconfigure.discovery;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import io.easyrpc.autoconfigure.EasyRpcServerLifecycle;
import io.easyrpc.autoconfigure.RpcClientFactory;
import io.easyrpc.client.RpcChannel;
import io.easyrpc.transport.RpcAddress;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Clients of {@code discovery://inventory-service} against servers registered in a real
 * ZooKeeper: calls spread over every instance, a new instance gets calls without a client
 * restart, and a stopped one leaves the channel.
 */
class ZookeeperDiscoveryTests {

	private static DiscoveryApplications applications;

	@BeforeAll
	static void startZookeeper() throws Exception {
		applications = new DiscoveryApplications();
	}

	@AfterAll
	static void stopZookeeper() throws Exception {
		applications.close();
	}

	@Test
	void whenInstancesComeAndGoThenCallsFollowTheRegistry() {
		applications.server("one", WebApplicationType.NONE);
		ConfigurableApplicationContext two = applications.server("two", WebApplicationType.NONE);
		applications.server("three", WebApplicationType.NONE);
		ConfigurableApplicationContext balanced = applications.client();
		ConfigurableApplicationContext polling = applications.client("spring.cloud.loadbalancer.enabled=false");
		InventoryClient client = balanced.getBean(InventoryClient.class);
		InventoryClient pollingClient = polling.getBean(InventoryClient.class);

		awaitAnswers(client, Set.of("one", "two", "three"));
		awaitAnswers(pollingClient, Set.of("one", "two", "three"));
		Map<String, Integer> counts = new HashMap<>();
		for (int i = 0; i < 300; i++) {
			counts.merge(client.instance(), 1, Integer::sum);
		}
		assertThat(counts).containsOnlyKeys("one", "two", "three");
		assertThat(counts.values()).allSatisfy((count) -> assertThat(count).isBetween(90, 110));

		applications.server("four", WebApplicationType.NONE);
		awaitAnswers(client, Set.of("one", "two", "three", "four"));

		RpcAddress leaving = RpcAddress.tcp("127.0.0.1",
				two.getEnvironment().getRequiredProperty(EasyRpcServerLifecycle.LOCAL_PORT_PROPERTY, Integer.class));
		RpcChannel channel = balanced.getBean(RpcClientFactory.class).channels().values().iterator().next();
		assertThat(channel.instances()).extracting(RpcChannel.Instance::address).contains(leaving);
		two.close();
		await().atMost(Duration.ofSeconds(30))
			.untilAsserted(() -> assertThat(channel.instances()).extracting(RpcChannel.Instance::address)
				.doesNotContain(leaving));
		Set<String> after = new TreeSet<>();
		for (int i = 0; i < 40; i++) {
			after.add(client.instance());
		}
		assertThat(after).containsExactlyInAnyOrder("one", "three", "four");
	}

	// Each instance answers once its registration is seen; the cache of Spring Cloud
	// LoadBalancer and the refresh interval are short in these tests.
	private static void awaitAnswers(InventoryClient client, Set<String> expected) {
		await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
			Set<String> answered = new TreeSet<>();
			for (int i = 0; i < 4 * expected.size(); i++) {
				answered.add(client.instance());
			}
			assertThat(answered).containsExactlyInAnyOrderElementsOf(List.copyOf(expected));
		});
	}

}
