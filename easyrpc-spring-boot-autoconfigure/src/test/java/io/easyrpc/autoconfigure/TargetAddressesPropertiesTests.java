package io.easyrpc.autoconfigure;

import java.util.List;

import ch.qos.logback.classic.Level;
import io.easyrpc.client.LoadBalancing;
import io.easyrpc.it.ExpectedLogs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the address properties of a target: {@code address}, {@code addresses},
 * {@code load-balancing} and {@code groups}.
 */
class TargetAddressesPropertiesTests {

	// Spring logs each start-up failure these tests provoke; the tests assert the
	// failure.
	@RegisterExtension
	final ExpectedLogs logs = new ExpectedLogs().tolerate(AnnotationConfigApplicationContext.class, Level.WARN,
			"Exception encountered during context initialization");

	private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(
			AutoConfigurations.of(EasyRpcCodecAutoConfiguration.class, EasyRpcClientAutoConfiguration.class));

	@Test
	void whenAddressesAndLoadBalancingAreSetThenTheyAreBound() {
		this.runner
			.withPropertyValues("easyrpc.client.targets.inventory.addresses=tcp://a:7070, tcp://b:7070",
					"easyrpc.client.targets.inventory.load-balancing=least-outstanding",
					"easyrpc.client.targets.pricing.address=tcp://c:7070")
			.run((context) -> {
				EasyRpcClientProperties properties = context.getBean(EasyRpcClientProperties.class);
				EasyRpcClientProperties.Target inventory = properties.getTargets().get("inventory");
				assertThat(inventory.addressGroups()).containsExactly(List.of("tcp://a:7070", "tcp://b:7070"));
				assertThat(inventory.getLoadBalancing()).isEqualTo(LoadBalancing.LEAST_OUTSTANDING);
				EasyRpcClientProperties.Target pricing = properties.getTargets().get("pricing");
				assertThat(pricing.addressGroups()).containsExactly(List.of("tcp://c:7070"));
				assertThat(pricing.getLoadBalancing()).isEqualTo(LoadBalancing.ROUND_ROBIN);
				assertThat(properties.getDiscovery().getRefreshInterval()).hasSeconds(5);
			});
	}

	@Test
	void whenGroupsAreSetThenTheyKeepTheirOrder() {
		this.runner
			.withPropertyValues("easyrpc.client.targets.inventory.groups[0].addresses=tcp://a:1,tcp://b:1",
					"easyrpc.client.targets.inventory.groups[1].address=discovery://inventory-backup",
					"easyrpc.client.targets.inventory.load-balancing=hash")
			.run((context) -> assertThat(
					context.getBean(EasyRpcClientProperties.class).getTargets().get("inventory").addressGroups())
				.containsExactly(List.of("tcp://a:1", "tcp://b:1"), List.of("discovery://inventory-backup")));
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|',
			textBlock = """
					easyrpc.client.targets.inv.address=tcp://a:1 ; easyrpc.client.targets.inv.addresses=tcp://b:1 | easyrpc.client.targets.inv.address and easyrpc.client.targets.inv.addresses are both set
					easyrpc.client.targets.inv.addresses=tcp://a:1,tcp://a:1 | easyrpc.client.targets.inv.addresses[1] repeats tcp://a:1, already given by easyrpc.client.targets.inv.addresses[0]
					easyrpc.client.targets.inv.groups[0].address=tcp://a:1 ; easyrpc.client.targets.inv.groups[1].addresses=tcp://b:1,tcp://a:1 | easyrpc.client.targets.inv.groups[1].addresses[1] repeats tcp://a:1
					easyrpc.client.targets.inv.addresses[0]=tcp://a:1 ; easyrpc.client.targets.inv.addresses[1]= | easyrpc.client.targets.inv.addresses[1] is empty
					easyrpc.client.targets.inv.groups[0].address=tcp://a:1 ; easyrpc.client.targets.inv.groups[1].addresses= | easyrpc.client.targets.inv.groups[1].addresses is empty
					easyrpc.client.targets.inv.groups[0].address=tcp://a:1 ; easyrpc.client.targets.inv.address=tcp://b:1 | easyrpc.client.targets.inv.groups is set together with easyrpc.client.targets.inv.address
					easyrpc.client.targets.inv.addresses=discovery://inv,tcp://b:1 | easyrpc.client.targets.inv.addresses[0] is discovery://inv: a discovery:// address must be the only address of its list
					easyrpc.client.targets.inv.address=discovery:// | easyrpc.client.targets.inv.address is 'discovery://': expected discovery://service-id
					easyrpc.client.targets.inv.addresses=tcp://a | easyrpc.client.targets.inv.addresses[0]: Invalid easyrpc address 'tcp://a'
					easyrpc.client.discovery.refresh-interval=0s | easyrpc.client.discovery.refresh-interval must be positive
					""")
	void whenAddressesAreWrongThenStartupFailsNamingTheProperty(String properties, String message) {
		this.runner.withPropertyValues(properties.split(";"))
			.run((context) -> assertThat(context).hasFailed().getFailure().rootCause().hasMessageContaining(message));
	}

	@Test
	void whenLoadBalancingIsUnknownThenStartupFailsNamingTheProperty() {
		this.runner
			.withPropertyValues("easyrpc.client.targets.inv.address=tcp://a:1",
					"easyrpc.client.targets.inv.load-balancing=random")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.hasStackTraceContaining("easyrpc.client.targets.inv.load-balancing")
				.hasStackTraceContaining("random"));
	}

}
