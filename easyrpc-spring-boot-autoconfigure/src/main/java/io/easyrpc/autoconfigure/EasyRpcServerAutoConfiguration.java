package io.easyrpc.autoconfigure;

import java.time.Duration;
import java.util.concurrent.Executor;

import io.easyrpc.codec.ObjectCodec;
import io.easyrpc.middleware.AccessLogObserver;
import io.easyrpc.middleware.ServerCallObserver;
import io.easyrpc.server.RpcExceptionResolver;
import io.easyrpc.server.RpcServer;
import io.easyrpc.server.ServiceRegistry;
import io.easyrpc.transport.RpcAddress;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnThreading;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.thread.Threading;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.task.SimpleAsyncTaskExecutor;

/**
 * Auto-configuration of the easyrpc server: serves every
 * {@link io.easyrpc.annotation.RpcService @RpcService} bean on
 * {@code easyrpc.server.port}.
 */
@AutoConfiguration(after = EasyRpcCodecAutoConfiguration.class)
@ConditionalOnRpcServerEnabled
@EnableConfigurationProperties(EasyRpcServerProperties.class)
@Import(PayloadProcessorConfigurations.Server.class)
public final class EasyRpcServerAutoConfiguration {

	/** Name of the worker executor bean; define a bean of this name to replace it. */
	public static final String EXECUTOR_BEAN_NAME = "easyRpcServerExecutor";

	/**
	 * Name of the server's {@link PayloadProcessors} bean: the built-in payload
	 * processors switched on by {@code easyrpc.server.compression.*} and
	 * {@code easyrpc.server.crypto.*}, for the server only.
	 */
	public static final String PAYLOAD_PROCESSORS_BEAN_NAME = "easyRpcServerPayloadProcessors";

	private static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(30);

	@Bean
	@ConditionalOnMissingBean
	ServiceRegistry easyRpcServiceRegistry(ObjectCodec codec) {
		return new ServiceRegistry(codec);
	}

	@Bean
	static RpcServiceRegistrar easyRpcServiceRegistrar(ApplicationContext context,
			ObjectProvider<ServiceRegistry> registry, ObjectProvider<EasyRpcServerProperties> properties) {
		return new RpcServiceRegistrar(context, registry.getObject(), properties.getObject());
	}

	@Bean
	@ConditionalOnMissingBean
	RpcExceptionHandlerResolver easyRpcExceptionHandlerResolver(ConfigurableListableBeanFactory beanFactory) {
		return new RpcExceptionHandlerResolver(beanFactory);
	}

	@Bean
	@ConditionalOnMissingBean
	RpcServer easyRpcServer(EasyRpcServerProperties properties, ServiceRegistry registry, ObjectCodec codec,
			@Qualifier(EXECUTOR_BEAN_NAME) Executor executor, ObjectProvider<RpcExceptionResolver> resolvers,
			ObjectProvider<ServerCallObserver> observers,
			ObjectProvider<RpcServerBootstrapCustomizer> bootstrapCustomizers,
			ObjectProvider<RpcServerBuilderCustomizer> builderCustomizers) {
		RpcServer.Builder builder = RpcServer.builder()
			.registry(registry)
			.codec(codec)
			.executor(executor)
			.ioThreads(properties.getIoThreads())
			.maxFrameSize(Math.toIntExact(properties.getMaxFrameSize().toBytes()))
			.idleTimeout(properties.getIdleTimeout())
			.exposeStackTraces(properties.isExposeStackTraces());
		if (properties.getPort() >= 0) {
			builder.address(RpcAddress.tcp(properties.getHost(), properties.getPort()));
		}
		if (properties.getInProcessName() != null && !properties.getInProcessName().isBlank()) {
			builder.address(RpcAddress.inProcess(properties.getInProcessName()));
		}
		resolvers.orderedStream().forEach(builder::exceptionResolver);
		observers.orderedStream().forEach(builder::observer);
		if (properties.isAccessLog()) {
			builder.observer(new AccessLogObserver());
		}
		bootstrapCustomizers.orderedStream()
			.forEach((customizer) -> builder.bootstrapCustomizer(customizer::customize));
		builderCustomizers.orderedStream().forEach((customizer) -> customizer.customize(builder));
		return builder.build();
	}

	@Bean
	@ConditionalOnMissingBean
	EasyRpcServerLifecycle easyRpcServerLifecycle(RpcServer server, ConfigurableEnvironment environment) {
		Duration drain = Binder.get(environment)
			.bind("spring.lifecycle.timeout-per-shutdown-phase", Duration.class)
			.orElse(DEFAULT_DRAIN_TIMEOUT);
		return new EasyRpcServerLifecycle(server, environment, drain);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnThreading(Threading.VIRTUAL)
	static class VirtualThreadExecutorConfiguration {

		@Bean(name = EXECUTOR_BEAN_NAME)
		@ConditionalOnMissingBean(name = EXECUTOR_BEAN_NAME)
		SimpleAsyncTaskExecutor easyRpcServerExecutor() {
			SimpleAsyncTaskExecutor executor = new SimpleAsyncTaskExecutor("easyrpc-worker-");
			executor.setVirtualThreads(true);
			return executor;
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnThreading(Threading.PLATFORM)
	static class PlatformThreadExecutorConfiguration {

		@Bean(name = EXECUTOR_BEAN_NAME, destroyMethod = "shutdown")
		@ConditionalOnMissingBean(name = EXECUTOR_BEAN_NAME)
		java.util.concurrent.ExecutorService easyRpcServerExecutor(EasyRpcServerProperties properties) {
			return RpcServer.defaultExecutor(properties.getExecutor().getMaxThreads(),
					properties.getExecutor().getQueueCapacity());
		}

	}

}
