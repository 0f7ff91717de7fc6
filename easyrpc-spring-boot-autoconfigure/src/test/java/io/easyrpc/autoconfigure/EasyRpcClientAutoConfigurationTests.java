package io.easyrpc.autoconfigure;

import java.util.ArrayList;
import java.util.List;

import ch.qos.logback.classic.Level;
import io.easyrpc.annotation.EnableRpcClients;
import io.easyrpc.annotation.RpcClient;
import io.easyrpc.autoconfigure.clients.app.InventoryClient;
import io.easyrpc.autoconfigure.clients.app.PricingClient;
import io.easyrpc.autoconfigure.clients.external.AuditClient;
import io.easyrpc.autoconfigure.clients.external.ShippingClient;
import io.easyrpc.client.ClientProxyFactory;
import io.easyrpc.client.ExceptionFactory;
import io.easyrpc.codec.ObjectCodec;
import io.easyrpc.it.ExpectedLogs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.boot.autoconfigure.AutoConfigurationPackages;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.StandardEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link EasyRpcClientAutoConfiguration} and the registration of
 * {@link RpcClient @RpcClient} proxies.
 */
class EasyRpcClientAutoConfigurationTests {

	// Spring logs each start-up failure these tests provoke; the tests assert the
	// failure.
	@RegisterExtension
	final ExpectedLogs logs = new ExpectedLogs().tolerate(AnnotationConfigApplicationContext.class, Level.WARN,
			"Exception encountered during context initialization");

	private static final String UNUSED_ADDRESS = "tcp://127.0.0.1:1";

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(EasyRpcCodecAutoConfiguration.class,
				EasyRpcServerAutoConfiguration.class, EasyRpcClientAutoConfiguration.class));

	private final ApplicationContextRunner appRunner = this.runner
		.withInitializer((context) -> AutoConfigurationPackages.register((BeanDefinitionRegistry) context,
				InventoryClient.class.getPackageName()))
		.withPropertyValues("easyrpc.client.targets.inventory.address=" + UNUSED_ADDRESS,
				"easyrpc.client.targets.pricing.address=" + UNUSED_ADDRESS);

	@Test
	void whenNoClientsThenFactoryIsConfiguredWithoutProxies() {
		this.runner.run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).hasSingleBean(RpcClientFactory.class)
				.hasSingleBean(EasyRpcClientProperties.class)
				.doesNotHaveBean(InventoryClient.class);
		});
	}

	@Test
	void whenClientInAutoConfigurationPackageThenProxyIsRegistered() {
		this.appRunner.run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).hasSingleBean(InventoryClient.class).hasSingleBean(PricingClient.class);
			assertThat(context.getBean(InventoryClient.class).toString()).contains(UNUSED_ADDRESS);
			assertThat(context).doesNotHaveBean(ShippingClient.class).doesNotHaveBean(AuditClient.class);
		});
	}

	@Test
	void whenClientIsRegisteredThenBeanNameIsDecapitalizedSimpleName() {
		this.appRunner.run((context) -> assertThat(context.getBeanNamesForType(InventoryClient.class))
			.containsExactly("inventoryClient"));
	}

	@Test
	void whenBeanNameIsSetOnRpcClientThenItIsUsed() {
		this.appRunner
			.run((context) -> assertThat(context.getBeanNamesForType(PricingClient.class)).containsExactly("prices"));
	}

	@Test
	void whenClientIsInjectedThroughConstructorThenProxyIsPassed() {
		this.appRunner.withBean(StockService.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(StockService.class).inventory).isSameAs(context.getBean(InventoryClient.class));
		});
	}

	@Test
	void whenClientsAreDisabledThenNoFactoryAndNoProxies() {
		this.appRunner.withPropertyValues("easyrpc.client.enabled=false").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(RpcClientFactory.class)
				.doesNotHaveBean(InventoryClient.class)
				.doesNotHaveBean(PricingClient.class);
		});
	}

	@Test
	void whenClientsAreDisabledThenEnableRpcClientsRegistersNothing() {
		this.runner.withUserConfiguration(ExternalPackageConfiguration.class)
			.withPropertyValues("easyrpc.client.enabled=false")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean(RpcClientFactory.class).doesNotHaveBean(ShippingClient.class);
			});
	}

	@Test
	void whenEnableRpcClientsNamesPackagesThenClientsThereAreRegistered() {
		this.appRunner.withUserConfiguration(ExternalPackageConfiguration.class)
			.withPropertyValues("easyrpc.client.targets.shipping.address=" + UNUSED_ADDRESS,
					"audit.url=tcp://127.0.0.1:2")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBeanNamesForType(ShippingClient.class)).containsExactly("shippingClient");
				assertThat(context.getBeanNamesForType(AuditClient.class)).containsExactly("auditClient");
				assertThat(context).hasSingleBean(InventoryClient.class);
			});
	}

	@Test
	void whenEnableRpcClientsListsClientsThenOnlyThoseAreRegistered() {
		this.runner.withUserConfiguration(ListedClientsConfiguration.class)
			.withPropertyValues("easyrpc.client.targets.shipping.address=" + UNUSED_ADDRESS)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).hasSingleBean(ShippingClient.class)
					.doesNotHaveBean(AuditClient.class)
					.doesNotHaveBean(InventoryClient.class);
			});
	}

	@Test
	void whenClientIsFoundTwiceThenItIsRegisteredOnce() {
		this.appRunner.withUserConfiguration(AppPackageConfiguration.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBeanNamesForType(InventoryClient.class)).containsExactly("inventoryClient");
		});
	}

	@Test
	void whenUrlHasPlaceholderThenItIsResolved() {
		this.runner.withUserConfiguration(AuditConfiguration.class)
			.withPropertyValues("audit.url=tcp://127.0.0.1:4567")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(AuditClient.class).toString()).contains("tcp://127.0.0.1:4567");
				assertThat(context.getBean(RpcClientFactory.class).channels()).containsOnlyKeys("tcp://127.0.0.1:4567");
			});
	}

	@Test
	void whenUrlPlaceholderCannotBeResolvedThenStartupFails() {
		this.runner.withUserConfiguration(AuditConfiguration.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("audit.url");
		});
	}

	@Test
	void whenTargetHasNoAddressThenStartupFailsNamingTheProperty() {
		this.runner.withUserConfiguration(ListedClientsConfiguration.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining(ShippingClient.class.getName())
				.hasMessageContaining("easyrpc.client.targets.shipping.address");
		});
	}

	@Test
	void whenAddressSchemeIsInvalidThenStartupFails() {
		this.runner.withUserConfiguration(ListedClientsConfiguration.class)
			.withPropertyValues("easyrpc.client.targets.shipping.address=http://localhost:7070")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.hasMessageContaining("http://localhost:7070")
					.hasMessageContaining("tcp, ws, wss, unix or inproc");
			});
	}

	@Test
	void whenClientNamesNoServerThenStartupFails() {
		this.runner.withUserConfiguration(UnnamedClientConfiguration.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("names no server");
		});
	}

	@Test
	void whenTwoClientsShareAnAddressThenTheyShareOneChannel() {
		this.appRunner.run((context) -> {
			context.getBean(InventoryClient.class);
			context.getBean(PricingClient.class);
			assertThat(context.getBean(RpcClientFactory.class).channels()).containsOnlyKeys(UNUSED_ADDRESS);
		});
	}

	@Test
	void whenQualifierIsUsedThenMatchingClientIsInjected() {
		this.runner.withUserConfiguration(ClocksConfiguration.class)
			.withBean(ClockUser.class)
			.withPropertyValues("easyrpc.client.targets.east.address=tcp://127.0.0.1:11",
					"easyrpc.client.targets.west.address=tcp://127.0.0.1:12")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				ClockUser user = context.getBean(ClockUser.class);
				assertThat(user.east).isSameAs(context.getBean(EastClock.class));
				assertThat(user.west).isSameAs(context.getBean(WestClock.class));
			});
	}

	@Test
	void whenUserDefinesRpcClientFactoryThenItCreatesTheProxies() {
		RecordingClientFactory factory = new RecordingClientFactory();
		this.appRunner.withBean("customClientFactory", RpcClientFactory.class, () -> factory).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).hasSingleBean(RpcClientFactory.class).doesNotHaveBean("easyRpcClientFactory");
			assertThat(context).hasSingleBean(InventoryClient.class);
			assertThat(factory.created).contains(InventoryClient.class, PricingClient.class);
		});
	}

	static class StockService {

		final InventoryClient inventory;

		StockService(InventoryClient inventory) {
			this.inventory = inventory;
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableRpcClients(basePackageClasses = ShippingClient.class)
	static class ExternalPackageConfiguration {

	}

	@Configuration(proxyBeanMethods = false)
	@EnableRpcClients(basePackages = "io.easyrpc.autoconfigure.clients.app")
	static class AppPackageConfiguration {

	}

	@Configuration(proxyBeanMethods = false)
	@EnableRpcClients(clients = ShippingClient.class)
	static class ListedClientsConfiguration {

	}

	@Configuration(proxyBeanMethods = false)
	@EnableRpcClients(clients = AuditClient.class)
	static class AuditConfiguration {

	}

	@Configuration(proxyBeanMethods = false)
	@EnableRpcClients(clients = UnnamedClient.class)
	static class UnnamedClientConfiguration {

	}

	@Configuration(proxyBeanMethods = false)
	@EnableRpcClients(clients = { EastClock.class, WestClock.class })
	static class ClocksConfiguration {

	}

	@RpcClient
	public interface UnnamedClient {

		String call();

	}

	public interface Clock {

		long now();

	}

	@RpcClient(target = "east")
	public interface EastClock extends Clock {

	}

	@RpcClient(target = "west")
	@Qualifier("west")
	public interface WestClock extends Clock {

	}

	static class ClockUser {

		final Clock east;

		final Clock west;

		ClockUser(@Qualifier("eastClock") Clock east, @Qualifier("west") Clock west) {
			this.east = east;
			this.west = west;
		}

	}

	static class RecordingClientFactory extends RpcClientFactory {

		final List<Class<?>> created = new ArrayList<>();

		RecordingClientFactory() {
			super(properties(), ObjectCodec.createDefault(),
					new ClientProxyFactory(new ExceptionFactory(List.of(), null)), new StandardEnvironment(),
					List.of());
		}

		@Override
		public <T> T createClient(Class<T> type) {
			this.created.add(type);
			return super.createClient(type);
		}

		private static EasyRpcClientProperties properties() {
			EasyRpcClientProperties properties = new EasyRpcClientProperties();
			for (String target : List.of("inventory", "pricing")) {
				EasyRpcClientProperties.Target address = new EasyRpcClientProperties.Target();
				address.setAddress(UNUSED_ADDRESS);
				properties.getTargets().put(target, address);
			}
			return properties;
		}

	}

}
