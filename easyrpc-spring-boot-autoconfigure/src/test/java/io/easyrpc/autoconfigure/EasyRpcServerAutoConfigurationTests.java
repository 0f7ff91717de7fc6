package io.easyrpc.autoconfigure;

import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import ch.qos.logback.classic.Level;
import io.easyrpc.RpcMethod;
import io.easyrpc.annotation.RpcService;
import io.easyrpc.codec.ObjectCodec;
import io.easyrpc.it.ExpectedLogs;
import io.easyrpc.server.RpcServer;
import io.easyrpc.server.RpcServerBindException;
import io.easyrpc.server.ServiceRegistry;
import io.easyrpc.transport.RpcAddress;
import io.netty.bootstrap.ServerBootstrap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.beans.factory.FactoryBean;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.support.SpringFactoriesLoader.FailureHandler;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.core.task.SimpleAsyncTaskExecutor;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link EasyRpcServerAutoConfiguration}.
 */
class EasyRpcServerAutoConfigurationTests {

	// Spring logs each start-up failure these tests provoke; the tests assert the
	// failure.
	@RegisterExtension
	final ExpectedLogs logs = new ExpectedLogs().tolerate(AnnotationConfigApplicationContext.class, Level.WARN,
			"Exception encountered during context initialization");

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(EasyRpcCodecAutoConfiguration.class,
				EasyRpcServerAutoConfiguration.class, EasyRpcClientAutoConfiguration.class))
		.withPropertyValues("easyrpc.server.host=127.0.0.1", "easyrpc.server.port=0",
				"spring.lifecycle.timeout-per-shutdown-phase=1s");

	@Test
	void whenRpcServiceBeanExistsThenServerIsConfiguredAndStarted() {
		this.runner.withBean(GreeterService.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).hasSingleBean(RpcServer.class)
				.hasSingleBean(ServiceRegistry.class)
				.hasSingleBean(EasyRpcServerLifecycle.class)
				.hasBean(EasyRpcServerAutoConfiguration.EXECUTOR_BEAN_NAME);
			RpcServer server = context.getBean(RpcServer.class);
			assertThat(server.isRunning()).isTrue();
			assertThat(server.registry().lookup("Greeter.hello")).isNotNull();
			assertThat(server.registry().lookup("Greeter.helloAsync")).isNotNull();
		});
	}

	@Test
	void whenServerStartsOnPortZeroThenBoundPortIsPublished() {
		this.runner.withBean(GreeterService.class).run((context) -> {
			RpcServer server = context.getBean(RpcServer.class);
			assertThat(server.port()).isPositive();
			assertThat(context.getEnvironment().getProperty(EasyRpcServerLifecycle.LOCAL_PORT_PROPERTY, Integer.class))
				.isEqualTo(server.port());
		});
	}

	@Test
	void whenNoRpcServiceBeanThenNoServer() {
		this.runner.run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(RpcServer.class)
				.doesNotHaveBean(ServiceRegistry.class)
				.doesNotHaveBean(EasyRpcServerLifecycle.class)
				.doesNotHaveBean(EasyRpcServerAutoConfiguration.EXECUTOR_BEAN_NAME);
			assertThat(context).hasSingleBean(ObjectCodec.class);
		});
	}

	@Test
	void whenServerDisabledThenNoServerEvenWithServices() {
		this.runner.withBean(GreeterService.class).withPropertyValues("easyrpc.server.enabled=false").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(RpcServer.class).doesNotHaveBean(EasyRpcServerLifecycle.class);
			assertThat(context).hasSingleBean(GreeterService.class);
		});
	}

	@Test
	void whenServerEnabledWithoutServicesThenServerStarts() {
		this.runner.withPropertyValues("easyrpc.server.enabled=true").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).hasSingleBean(RpcServer.class);
			assertThat(context.getBean(RpcServer.class).isRunning()).isTrue();
		});
	}

	@Test
	void whenRpcServiceIsDeclaredByBeanMethodThenServerStarts() {
		this.runner.withUserConfiguration(GreeterBeanConfiguration.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(RpcServer.class).registry().lookup("Greeter.hello")).isNotNull();
		});
	}

	@Test
	void whenServerConditionIsEvaluatedThenFactoryBeansAreNotCreated() {
		this.runner.withBean(GreeterService.class).withBean("probe", ProbeFactoryBean.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).hasSingleBean(RpcServer.class);
			assertThat(context.getBean("&probe", ProbeFactoryBean.class).createdByCondition).isFalse();
		});
	}

	@Test
	void whenUserDefinesServiceRegistryThenItIsUsed() {
		this.runner.withBean(GreeterService.class)
			.withUserConfiguration(CustomRegistryConfiguration.class)
			.run((context) -> {
				assertThat(context).hasSingleBean(ServiceRegistry.class).hasBean("customRegistry");
				ServiceRegistry registry = context.getBean("customRegistry", ServiceRegistry.class);
				assertThat(context.getBean(RpcServer.class).registry()).isSameAs(registry);
				assertThat(registry.lookup("Greeter.hello")).isNotNull();
			});
	}

	@Test
	void whenUserDefinesRpcServerThenItIsUsedByTheLifecycle() {
		String name = "custom-" + UUID.randomUUID();
		this.runner.withBean(GreeterService.class)
			.withBean("customServer", RpcServer.class,
					() -> RpcServer.builder().address(RpcAddress.inProcess(name)).build())
			.run((context) -> {
				assertThat(context).hasSingleBean(RpcServer.class).hasBean("customServer");
				RpcServer server = context.getBean(RpcServer.class);
				assertThat(server.addresses()).containsExactly(RpcAddress.inProcess(name));
				assertThat(server.isRunning()).isTrue();
				assertThat(context.getBean(EasyRpcServerLifecycle.class).isRunning()).isTrue();
			});
	}

	@Test
	void whenUserDefinesObjectCodecThenServerUsesIt() {
		ObjectCodec codec = ObjectCodec.createDefault();
		this.runner.withBean(GreeterService.class)
			.withBean("customCodec", ObjectCodec.class, () -> codec)
			.run((context) -> {
				assertThat(context).hasSingleBean(ObjectCodec.class);
				assertThat(context.getBean(ObjectCodec.class)).isSameAs(codec);
				assertThat(context.getBean(RpcServer.class).codec()).isSameAs(codec);
			});
	}

	@Test
	void whenCustomizersAreDefinedThenTheyAreApplied() {
		String name = "customized-" + UUID.randomUUID();
		List<ServerBootstrap> bootstraps = new CopyOnWriteArrayList<>();
		this.runner.withBean(GreeterService.class)
			.withBean(RpcServerBuilderCustomizer.class, () -> (builder) -> builder.address(RpcAddress.inProcess(name)))
			.withBean(RpcServerBootstrapCustomizer.class, () -> bootstraps::add)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				RpcServer server = context.getBean(RpcServer.class);
				assertThat(server.addresses()).contains(RpcAddress.inProcess(name));
				assertThat(bootstraps).hasSize(2);
			});
	}

	@Test
	void whenServerHasNoAddressThenStartupFails() {
		this.runner.withBean(GreeterService.class).withPropertyValues("easyrpc.server.port=-1").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("at least one address");
		});
	}

	@Test
	void whenPlatformThreadsThenExecutorIsBoundedPool() {
		this.runner.withBean(GreeterService.class).run((context) -> {
			Executor executor = context.getBean(EasyRpcServerAutoConfiguration.EXECUTOR_BEAN_NAME, Executor.class);
			assertThat(executor).isInstanceOf(ThreadPoolExecutor.class);
			assertThat(((ThreadPoolExecutor) executor).getMaximumPoolSize()).isEqualTo(200);
			assertThat(runsOnVirtualThread(executor)).isFalse();
		});
	}

	@Test
	void whenStreamWindowIsSetThenServerGrantsThatCredit() {
		this.runner.withBean(GreeterService.class).run((context) -> {
			assertThat(context.getBean(RpcServer.class).streamWindow()).isEqualTo(32);
		});
		this.runner.withBean(GreeterService.class)
			.withPropertyValues("easyrpc.server.stream-window=256")
			.run((context) -> assertThat(context.getBean(RpcServer.class).streamWindow()).isEqualTo(256));
		this.runner.withBean(GreeterService.class)
			.withPropertyValues("easyrpc.server.stream-window=0")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("easyrpc.server.stream-window must be at least 1"));
	}

	@Test
	void whenMaxThreadsIsSetThenExecutorHonoursIt() {
		this.runner.withBean(GreeterService.class)
			.withPropertyValues("easyrpc.server.executor.max-threads=7")
			.run((context) -> {
				Executor executor = context.getBean(EasyRpcServerAutoConfiguration.EXECUTOR_BEAN_NAME, Executor.class);
				assertThat(executor).isInstanceOf(ThreadPoolExecutor.class);
				assertThat(((ThreadPoolExecutor) executor).getMaximumPoolSize()).isEqualTo(7);
			});
	}

	@Test
	@EnabledForJreRange(min = JRE.JAVA_21)
	void whenVirtualThreadsAreEnabledThenExecutorUsesVirtualThreads() {
		this.runner.withBean(GreeterService.class)
			.withPropertyValues("spring.threads.virtual.enabled=true")
			.run((context) -> {
				Executor executor = context.getBean(EasyRpcServerAutoConfiguration.EXECUTOR_BEAN_NAME, Executor.class);
				assertThat(executor).isInstanceOf(SimpleAsyncTaskExecutor.class);
				assertThat(runsOnVirtualThread(executor)).isTrue();
			});
	}

	@Test
	@EnabledForJreRange(max = JRE.JAVA_20)
	void whenVirtualThreadsAreRequestedBeforeJava21ThenExecutorIsBoundedPool() {
		this.runner.withBean(GreeterService.class)
			.withPropertyValues("spring.threads.virtual.enabled=true")
			.run((context) -> assertThat(
					context.getBean(EasyRpcServerAutoConfiguration.EXECUTOR_BEAN_NAME, Executor.class))
				.isInstanceOf(ThreadPoolExecutor.class));
	}

	@Test
	void whenUserDefinesExecutorBeanThenServerUsesIt() {
		this.runner.withBean(GreeterService.class)
			.withBean(EasyRpcServerAutoConfiguration.EXECUTOR_BEAN_NAME, Executor.class, () -> Runnable::run)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(EasyRpcServerAutoConfiguration.EXECUTOR_BEAN_NAME))
					.isNotInstanceOf(ThreadPoolExecutor.class);
			});
	}

	@Test
	void whenServiceOverloadsMethodNameThenStartupFails() {
		this.runner.withBean(OverloadedService.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("Overloaded.find")
				.hasMessageContaining("find(String)")
				.hasMessageContaining("find(int)")
				.hasMessageContaining("@RpcMethod(name = ...)");
		});
	}

	@Test
	void whenRpcMethodNameDisambiguatesOverloadThenBothMethodsAreServed() {
		this.runner.withBean(DisambiguatedService.class).run((context) -> {
			assertThat(context).hasNotFailed();
			ServiceRegistry registry = context.getBean(ServiceRegistry.class);
			assertThat(registry.lookup("Disambiguated.find").method().getParameterTypes())
				.containsExactly(String.class);
			assertThat(registry.lookup("Disambiguated.findById").method().getParameterTypes())
				.containsExactly(int.class);
		});
	}

	@Test
	void whenRpcMethodNameIsOnImplementationThenItDisambiguatesOverload() {
		this.runner.withBean(ImplementationNamedService.class).run((context) -> {
			assertThat(context).hasNotFailed();
			ServiceRegistry registry = context.getBean(ServiceRegistry.class);
			assertThat(registry.lookup("Overloaded.find")).isNotNull();
			assertThat(registry.lookup("Overloaded.findByNumber")).isNotNull();
		});
	}

	@Test
	void whenTwoServicesServeTheSameKeyThenStartupFails() {
		this.runner.withBean(GreeterService.class).withBean(OtherGreeterService.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("'Greeter.hello' is served twice")
				.hasMessageContaining(GreeterService.class.getName())
				.hasMessageContaining(OtherGreeterService.class.getName());
		});
	}

	@Test
	void whenServiceNameAndGroupAreSetThenKeysUseThem() {
		this.runner.withBean(GreeterService.class).withBean(NamedGreeterService.class).run((context) -> {
			assertThat(context).hasNotFailed();
			ServiceRegistry registry = context.getBean(ServiceRegistry.class);
			assertThat(registry.lookup("Greeter.hello").target()).isInstanceOf(GreeterService.class);
			assertThat(registry.lookup("eu/Welcome.hello").target()).isInstanceOf(NamedGreeterService.class);
		});
	}

	@Test
	void whenPortIsInUseThenStartupFailsWithAnalysis() throws Exception {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			int port = socket.getLocalPort();
			this.runner.withBean(GreeterService.class)
				.withPropertyValues("easyrpc.server.host=" + InetAddress.getLoopbackAddress().getHostAddress(),
						"easyrpc.server.port=" + port)
				.run((context) -> {
					assertThat(context).hasFailed();
					Throwable failure = context.getStartupFailure();
					assertThat(failure).rootCause().isInstanceOf(BindException.class);
					assertThat(failure).hasRootCauseInstanceOf(BindException.class);
					FailureAnalysis analysis = new RpcServerBindFailureAnalyzer().analyze(failure);
					assertThat(analysis).isNotNull();
					assertThat(analysis.getDescription()).contains("easyrpc server cannot bind").contains(":" + port);
					assertThat(analysis.getAction()).contains("easyrpc.server.port").contains("0 picks a free one");
					assertThat(analysis.getCause()).isInstanceOf(RpcServerBindException.class);
				});
		}
	}

	@Test
	void bindFailureAnalyzerIsRegistered() {
		assertThat(SpringFactoriesLoader.forDefaultResourceLocation(getClass().getClassLoader())
			.load(FailureAnalyzer.class, null, FailureHandler.handleMessage((message, ex) -> {
			}))).hasAtLeastOneElementOfType(RpcServerBindFailureAnalyzer.class);
	}

	@Test
	void bindFailureAnalyzerIgnoresOtherFailures() {
		assertThat(new RpcServerBindFailureAnalyzer().analyze(new IllegalStateException("other"))).isNull();
	}

	private static boolean runsOnVirtualThread(Executor executor) throws Exception {
		CompletableFuture<Thread> thread = new CompletableFuture<>();
		executor.execute(() -> thread.complete(Thread.currentThread()));
		Thread worker = thread.get(10, TimeUnit.SECONDS);
		try {
			return (boolean) Thread.class.getMethod("isVirtual").invoke(worker);
		}
		catch (NoSuchMethodException ex) {
			return false;
		}
	}

	public interface Greeter {

		String hello(String name);

		CompletableFuture<String> helloAsync(String name);

	}

	@RpcService
	static class GreeterService implements Greeter {

		@Override
		public String hello(String name) {
			return "Hello, " + name;
		}

		@Override
		public CompletableFuture<String> helloAsync(String name) {
			return CompletableFuture.completedFuture(hello(name));
		}

	}

	@RpcService
	static class OtherGreeterService extends GreeterService {

	}

	@RpcService(name = "Welcome", group = "eu")
	static class NamedGreeterService extends GreeterService {

	}

	public interface Overloaded {

		String find(String name);

		String find(int number);

	}

	@RpcService
	static class OverloadedService implements Overloaded {

		@Override
		public String find(String name) {
			return name;
		}

		@Override
		public String find(int number) {
			return String.valueOf(number);
		}

	}

	@RpcService
	static class ImplementationNamedService implements Overloaded {

		@Override
		public String find(String name) {
			return name;
		}

		@Override
		@RpcMethod(name = "findByNumber")
		public String find(int number) {
			return String.valueOf(number);
		}

	}

	public interface Disambiguated {

		String find(String name);

		@RpcMethod(name = "findById")
		String find(int id);

	}

	@RpcService
	static class DisambiguatedService implements Disambiguated {

		@Override
		public String find(String name) {
			return name;
		}

		@Override
		public String find(int id) {
			return String.valueOf(id);
		}

	}

	static class ProbeFactoryBean<T> implements FactoryBean<T> {

		final boolean createdByCondition = StackWalker.getInstance()
			.walk((frames) -> frames
				.anyMatch((frame) -> frame.getClassName().equals(OnRpcServerEnabledCondition.class.getName())));

		@Override
		public T getObject() {
			return null;
		}

		@Override
		public Class<?> getObjectType() {
			return null;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class GreeterBeanConfiguration {

		@Bean
		GreeterService greeterService() {
			return new GreeterService();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class CustomRegistryConfiguration {

		@Bean
		ServiceRegistry customRegistry(ObjectCodec codec) {
			return new ServiceRegistry(codec);
		}

	}

}
