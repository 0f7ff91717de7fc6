package io.easyrpc.autoconfigure;

import java.util.List;

import ch.qos.logback.classic.Level;
import io.easyrpc.autoconfigure.clients.app.InventoryClient;
import io.easyrpc.autoconfigure.discovery.EasyRpcDiscoveryAutoConfiguration;
import io.easyrpc.client.RpcChannel;
import io.easyrpc.it.ExpectedLogs;
import io.easyrpc.transport.RpcAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.boot.autoconfigure.AutoConfigurationPackages;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the channels that {@link RpcClientFactory} makes of targets with several
 * instances, groups and {@code discovery://} addresses.
 */
class TargetChannelsTests {

	// Spring logs each start-up failure these tests provoke; the tests assert the
	// failure.
	@RegisterExtension
	final ExpectedLogs logs = new ExpectedLogs().tolerate(AnnotationConfigApplicationContext.class, Level.WARN,
			"Exception encountered during context initialization");

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(EasyRpcCodecAutoConfiguration.class,
				EasyRpcClientAutoConfiguration.class, EasyRpcDiscoveryAutoConfiguration.class))
		.withInitializer((context) -> AutoConfigurationPackages.register((BeanDefinitionRegistry) context,
				InventoryClient.class.getPackageName()));

	@Test
	void whenTargetsListTheSameInstancesInAnotherOrderThenTheyShareOneChannel() {
		this.runner
			.withPropertyValues("easyrpc.client.targets.inventory.addresses=tcp://127.0.0.1:1,tcp://127.0.0.1:2",
					"easyrpc.client.targets.pricing.addresses=tcp://127.0.0.1:2,tcp://127.0.0.1:1")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				context.getBean(InventoryClient.class);
				RpcClientFactory factory = context.getBean(RpcClientFactory.class);
				assertThat(factory.targets()).singleElement().satisfies((target) -> {
					assertThat(target.address()).isEqualTo("[tcp://127.0.0.1:1, tcp://127.0.0.1:2]");
					assertThat(target.names()).containsExactlyInAnyOrder("inventory", "pricing");
					assertThat(target.channel().instances()).extracting(RpcChannel.Instance::address)
						.containsExactlyInAnyOrder(RpcAddress.tcp("127.0.0.1", 1), RpcAddress.tcp("127.0.0.1", 2));
				});
			});
	}

	@Test
	void whenTargetsBalanceTheSameInstancesDifferentlyThenEachHasItsChannel() {
		this.runner
			.withPropertyValues("easyrpc.client.targets.inventory.addresses=tcp://127.0.0.1:1,tcp://127.0.0.1:2",
					"easyrpc.client.targets.pricing.addresses=tcp://127.0.0.1:1,tcp://127.0.0.1:2",
					"easyrpc.client.targets.pricing.load-balancing=least-outstanding")
			.run((context) -> assertThat(context.getBean(RpcClientFactory.class).targets())
				.extracting(RpcClientFactory.Target::address)
				.containsExactlyInAnyOrder("[tcp://127.0.0.1:1, tcp://127.0.0.1:2]",
						"[tcp://127.0.0.1:1, tcp://127.0.0.1:2] (least-outstanding)"));
	}

	@Test
	void whenTargetsHaveTheSameSingleAddressThenTheyShareOneChannelWhateverTheirPolicy() {
		this.runner
			.withPropertyValues("easyrpc.client.targets.inventory.address=tcp://127.0.0.1:1",
					"easyrpc.client.targets.pricing.addresses=tcp://127.0.0.1:1",
					"easyrpc.client.targets.pricing.load-balancing=hash")
			.run((context) -> assertThat(context.getBean(RpcClientFactory.class).targets()).singleElement()
				.satisfies((target) -> assertThat(target.address()).isEqualTo("tcp://127.0.0.1:1")));
	}

	@Test
	void whenGroupsAreSetThenTheChannelKnowsEachInstanceGroup() {
		this.runner
			.withPropertyValues(
					"easyrpc.client.targets.inventory.groups[0].addresses=tcp://127.0.0.1:1,tcp://127.0.0.1:2",
					"easyrpc.client.targets.inventory.groups[1].address=tcp://127.0.0.1:3",
					"easyrpc.client.targets.pricing.address=tcp://127.0.0.1:4")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				RpcClientFactory.Target inventory = context.getBean(RpcClientFactory.class)
					.targets()
					.stream()
					.filter((target) -> target.names().contains("inventory"))
					.findFirst()
					.orElseThrow();
				assertThat(inventory.address())
					.isEqualTo("[tcp://127.0.0.1:1, tcp://127.0.0.1:2] then tcp://127.0.0.1:3");
				List<RpcChannel.Instance> instances = inventory.channel().instances();
				assertThat(instances).extracting(RpcChannel.Instance::address, RpcChannel.Instance::group)
					.containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple(RpcAddress.tcp("127.0.0.1", 1), 0),
							org.assertj.core.groups.Tuple.tuple(RpcAddress.tcp("127.0.0.1", 2), 0),
							org.assertj.core.groups.Tuple.tuple(RpcAddress.tcp("127.0.0.1", 3), 1));
			});
	}

	@Test
	void whenDiscoveryIsUsedWithoutSpringCloudThenStartupFailsNamingTheProperty() {
		this.runner.withClassLoader(new FilteredClassLoader(DiscoveryClient.class))
			.withPropertyValues("easyrpc.client.targets.inventory.address=discovery://inventory-service",
					"easyrpc.client.targets.pricing.address=tcp://127.0.0.1:4")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("easyrpc.client.targets.inventory.address of easyrpc client")
				.hasMessageContaining("is discovery://inventory-service, but Spring Cloud is not on the class path"));
	}

	@Test
	void whenDiscoveryIsUsedWithoutAnyDiscoveryClientThenStartupFailsNamingTheProperty() {
		this.runner
			.withPropertyValues("easyrpc.client.targets.inventory.addresses=discovery://inventory-service",
					"easyrpc.client.targets.pricing.address=tcp://127.0.0.1:4")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("easyrpc.client.targets.inventory.addresses of easyrpc client")
				.hasMessageContaining("need a Spring Cloud DiscoveryClient or ReactiveDiscoveryClient bean"));
	}

}
