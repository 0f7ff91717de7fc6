package io.easyrpc.autoconfigure;

import java.net.SocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;

import io.easyrpc.codec.ObjectCodec;
import io.easyrpc.middleware.ConnectionLimit;
import io.easyrpc.middleware.ConnectionMiddleware;
import io.easyrpc.middleware.IpFilter;
import io.easyrpc.middleware.PerIpConnectionLimit;
import io.easyrpc.server.RpcServer;
import io.easyrpc.server.RpcServerListener;
import io.easyrpc.server.ServiceRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnThreading;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.boot.thread.Threading;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Auto-configuration of the easyrpc server: serves every
 * {@link io.easyrpc.annotation.RpcService @RpcService} bean on
 * {@code easyrpc.server.port}, over TLS when {@code easyrpc.server.ssl.bundle} names an
 * SSL bundle.
 * <p>
 * The server builder gets {@code easyrpc.server.*} first, then the application's
 * exception resolvers, observers, middleware, processors, connection middleware and
 * bootstrap customizers, and last every {@link RpcServerBuilderCustomizer} bean in
 * {@link org.springframework.core.annotation.Order @Order}.
 * <p>
 * Every {@link ConnectionMiddleware} bean decides on new connections, in
 * {@link org.springframework.core.annotation.Order @Order}; the built-ins that
 * {@code easyrpc.server.ip.*} and {@code easyrpc.server.connections.*} switch on come
 * first: {@link IpFilter}, then {@link PerIpConnectionLimit}, then
 * {@link ConnectionLimit}.
 */
@AutoConfiguration(after = { EasyRpcCodecAutoConfiguration.class, SslAutoConfiguration.class })
@ConditionalOnRpcServerEnabled
@EnableConfigurationProperties({ EasyRpcServerProperties.class, EasyRpcNettyProperties.class })
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

	// The server's JSON connections map values like its MessagePack ones.
	@Bean
	RpcServerBuilderCustomizer easyRpcJsonCodecCustomizer(EasyRpcServerProperties properties,
			ObjectProvider<EasyRpcCodecAutoConfiguration.JsonCodecHolder> jsonCodec) {
		return (builder) -> {
			builder.jsonEnabled(properties.getJsonCodec().isEnabled());
			EasyRpcCodecAutoConfiguration.JsonCodecHolder json = jsonCodec.getIfAvailable();
			if (json != null) {
				builder.jsonCodec(json.codec());
			}
		};
	}

	@Bean
	@ConditionalOnMissingBean
	RpcServer easyRpcServer(EasyRpcServerProperties properties, EasyRpcNettyProperties netty, ServiceRegistry registry,
			ObjectCodec codec, @Qualifier(EXECUTOR_BEAN_NAME) Executor executor,
			ConfigurableListableBeanFactory beanFactory, ObjectProvider<SslBundles> sslBundles,
			ObjectProvider<RpcServerBuilderCustomizer> customizers, ApplicationEventPublisher events) {
		RpcServer.Builder builder = RpcServer.builder().registry(registry).codec(codec).executor(executor);
		builder.listener(new EventPublishingListener(events));
		builder.transport(netty.getTransport());
		new ServerPropertiesCustomizer(properties, sslBundles.getIfAvailable()).customize(builder);
		new ServerBeansCustomizer(beanFactory, properties.isAccessLog()).customize(builder);
		customizers.orderedStream().forEach((customizer) -> customizer.customize(builder));
		return builder.build();
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnProperty("easyrpc.server.connections.max")
	ConnectionLimit easyRpcConnectionLimit(EasyRpcServerProperties properties) {
		EasyRpcServerProperties.Connections connections = properties.getConnections();
		Duration blockTime = connections.getBlockTime();
		return new ConnectionLimit(connections.getMax(), (blockTime != null) ? blockTime : Duration.ZERO);
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnProperty("easyrpc.server.connections.max-per-ip")
	PerIpConnectionLimit easyRpcPerIpConnectionLimit(EasyRpcServerProperties properties) {
		return new PerIpConnectionLimit(properties.getConnections().getMaxPerIp());
	}

	@Bean
	@ConditionalOnMissingBean
	@Conditional(OnIpRulesCondition.class)
	IpFilter easyRpcIpFilter(EasyRpcServerProperties properties) {
		return new IpFilter(properties.getIp().getAllow(), properties.getIp().getBlock());
	}

	@Bean
	@ConditionalOnMissingBean
	EasyRpcServerLifecycle easyRpcServerLifecycle(RpcServer server, ConfigurableEnvironment environment) {
		Duration drain = Binder.get(environment)
			.bind("spring.lifecycle.timeout-per-shutdown-phase", Duration.class)
			.orElse(DEFAULT_DRAIN_TIMEOUT);
		return new EasyRpcServerLifecycle(server, environment, drain);
	}

	/**
	 * Publishes the server's start and stop as application events.
	 */
	private record EventPublishingListener(ApplicationEventPublisher events) implements RpcServerListener {

		@Override
		public void serverStarted(RpcServer server, List<SocketAddress> addresses) {
			this.events.publishEvent(new RpcServerStartedEvent(server, addresses));
		}

		@Override
		public void serverStopping(RpcServer server) {
			this.events.publishEvent(new RpcServerStoppingEvent(server));
		}

		@Override
		public void serverStopped(RpcServer server, Drain drain) {
			this.events.publishEvent(new RpcServerStoppedEvent(server, drain));
		}

	}

	/**
	 * Matches when {@code easyrpc.server.ip.allow} or {@code easyrpc.server.ip.block}
	 * lists at least one entry.
	 */
	static final class OnIpRulesCondition extends SpringBootCondition {

		@Override
		public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
			Binder binder = Binder.get(context.getEnvironment());
			for (String name : List.of("easyrpc.server.ip.allow", "easyrpc.server.ip.block")) {
				List<String> entries = binder.bind(name, Bindable.listOf(String.class)).orElse(List.of());
				if (!entries.isEmpty()) {
					return ConditionOutcome.match(name + " is set");
				}
			}
			return ConditionOutcome.noMatch("neither easyrpc.server.ip.allow nor easyrpc.server.ip.block is set");
		}

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
