package io.easyrpc.autoconfigure;

import java.util.ArrayList;
import java.util.List;

import io.easyrpc.client.ClientProxyFactory;
import io.easyrpc.client.ExceptionFactory;
import io.easyrpc.codec.ObjectCodec;
import io.easyrpc.middleware.ClientCallObserver;
import io.easyrpc.middleware.RpcClientMiddleware;
import io.easyrpc.middleware.RpcProcessor;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
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
 * packages and the {@link RpcClientFactory} that makes them.
 */
@AutoConfiguration(after = { EasyRpcCodecAutoConfiguration.class, SslAutoConfiguration.class })
@ConditionalOnBooleanProperty(name = "easyrpc.client.enabled", matchIfMissing = true)
@EnableConfigurationProperties({ EasyRpcClientProperties.class, EasyRpcNettyProperties.class })
@Import({ AutoConfiguredRpcClientsRegistrar.class, BearerTokenClientConfiguration.class,
		PayloadProcessorConfigurations.Client.class })
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
			ObjectProvider<RpcClientBootstrapCustomizer> customizers, ObjectProvider<ClientCallObserver> observers,
			ObjectProvider<RpcProcessor> processors,
			@Qualifier(PAYLOAD_PROCESSORS_BEAN_NAME) ObjectProvider<PayloadProcessors> payloadProcessors,
			ObjectProvider<RpcChannelBuilderCustomizer> channelCustomizers, ObjectProvider<SslBundles> sslBundles) {
		List<RpcProcessor> orderedProcessors = new ArrayList<>(processors.orderedStream().toList());
		// the clients' built-ins only, after the application's processors
		payloadProcessors.ifAvailable((builtIns) -> orderedProcessors.addAll(builtIns.processors()));
		List<RpcChannelBuilderCustomizer> allCustomizers = new ArrayList<>();
		if (!orderedProcessors.isEmpty()) {
			allCustomizers.add((address, builder) -> orderedProcessors.forEach(builder::processor));
		}
		channelCustomizers.orderedStream().forEach(allCustomizers::add);
		RpcClientFactory factory = new RpcClientFactory(properties, codec, proxyFactory, environment,
				customizers.orderedStream().toList(), observers.orderedStream().toList(), allCustomizers);
		factory.setSslBundles(sslBundles.getIfAvailable());
		factory.setTransport(netty.getTransport());
		return factory;
	}

}
