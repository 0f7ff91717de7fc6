package io.easyrpc.autoconfigure;

import java.util.ArrayList;
import java.util.List;

import io.easyrpc.client.ClientProxyFactory;
import io.easyrpc.client.MsgpackRpcNotificationListener;
import io.easyrpc.client.ExceptionFactory;
import io.easyrpc.codec.ObjectCodec;
import io.easyrpc.middleware.RpcClientMiddleware;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;

/**
 * Auto-configuration of easyrpc clients: registers a proxy bean for every
 * {@link io.easyrpc.annotation.RpcClient @RpcClient} interface in the application's
 * packages and the {@link RpcClientFactory} that makes them, and the
 * {@link GenericRpcClients} factory with a {@code <target>GenericRpcClient} bean per
 * configured target.
 * <p>
 * Every channel's builder gets {@code easyrpc.client.*} first, then the application's
 * bootstrap customizers, call observers and processors, and last every
 * {@link RpcChannelBuilderCustomizer} bean in
 * {@link org.springframework.core.annotation.Order @Order}.
 */
@AutoConfiguration(after = { EasyRpcCodecAutoConfiguration.class, SslAutoConfiguration.class })
@ConditionalOnBooleanProperty(name = "easyrpc.client.enabled", matchIfMissing = true)
@EnableConfigurationProperties({ EasyRpcClientProperties.class, EasyRpcNettyProperties.class })
@Import({ AutoConfiguredRpcClientsRegistrar.class, GenericRpcClientsRegistrar.class,
		BearerTokenClientConfiguration.class, PayloadProcessorConfigurations.Client.class })
public final class EasyRpcClientAutoConfiguration {

	/**
	 * Name of the clients' {@link PayloadProcessors} bean: the built-in payload
	 * processors switched on by {@code easyrpc.client.compression.*} and
	 * {@code easyrpc.client.crypto.*}, for clients only.
	 */
	public static final String PAYLOAD_PROCESSORS_BEAN_NAME = "easyRpcClientPayloadProcessors";

	@Bean
	@ConditionalOnMissingBean
	ExceptionFactory easyRpcExceptionFactory(EasyRpcClientProperties properties, ResourceLoader resourceLoader) {
		return new ExceptionFactory(properties.getExceptionPackages(), resourceLoader.getClassLoader());
	}

	@Bean
	@ConditionalOnMissingBean
	ClientProxyFactory easyRpcClientProxyFactory(ExceptionFactory exceptionFactory,
			ObjectProvider<RpcClientMiddleware> middleware) {
		return new ClientProxyFactory(exceptionFactory, middleware.orderedStream().toList());
	}

	@Bean(name = RpcClientsRegistrar.FACTORY_BEAN_NAME)
	@ConditionalOnMissingBean
	RpcClientFactory easyRpcClientFactory(EasyRpcClientProperties properties, EasyRpcNettyProperties netty,
			ObjectCodec codec, ClientProxyFactory proxyFactory, Environment environment,
			ListableBeanFactory beanFactory, ObjectProvider<RpcChannelBuilderCustomizer> customizers,
			ObjectProvider<SslBundles> sslBundles, ObjectProvider<DiscoveryResolvers> discoveryResolvers,
			ObjectProvider<EasyRpcCodecAutoConfiguration.JsonCodecHolder> jsonCodec) {
		List<RpcChannelBuilderCustomizer> channelCustomizers = new ArrayList<>();
		channelCustomizers.add(new ClientBeansCustomizer(beanFactory));
		customizers.orderedStream().forEach(channelCustomizers::add);
		RpcClientFactory factory = new RpcClientFactory(properties, codec, proxyFactory, environment, List.of(),
				List.of(), channelCustomizers);
		factory.setSslBundles(sslBundles.getIfAvailable());
		factory.setDiscoveryResolvers(discoveryResolvers::getIfAvailable);
		factory.setNotificationListeners((name) -> beanFactory.getBean(name, MsgpackRpcNotificationListener.class));
		EasyRpcCodecAutoConfiguration.JsonCodecHolder json = jsonCodec.getIfAvailable();
		if (json != null) {
			factory.setJsonCodec(json::codec);
		}
		factory.setTransport(netty.getTransport());
		return factory;
	}

	@Bean
	RpcClientStartup easyRpcClientStartup(RpcClientFactory factory, EasyRpcClientProperties properties) {
		return new RpcClientStartup(factory, properties);
	}

	@Bean
	@ConditionalOnMissingBean
	GenericRpcClients easyRpcGenericClients(RpcClientFactory clientFactory, EasyRpcClientProperties properties) {
		return new GenericRpcClients(clientFactory, properties);
	}

}
