package io.easyrpc.autoconfigure;

import io.easyrpc.client.ClientProxyFactory;
import io.easyrpc.client.ExceptionFactory;
import io.easyrpc.codec.ObjectCodec;
import io.easyrpc.middleware.ClientCallObserver;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;

/**
 * Auto-configuration of easyrpc clients: registers a proxy bean for every
 * {@link io.easyrpc.annotation.RpcClient @RpcClient} interface in the application's
 * packages and the {@link RpcClientFactory} that makes them.
 */
@AutoConfiguration(after = EasyRpcCodecAutoConfiguration.class)
@ConditionalOnBooleanProperty(name = "easyrpc.client.enabled", matchIfMissing = true)
@EnableConfigurationProperties(EasyRpcClientProperties.class)
@Import({ AutoConfiguredRpcClientsRegistrar.class, PayloadProcessorConfigurations.Client.class })
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
	ClientProxyFactory easyRpcClientProxyFactory(ExceptionFactory exceptionFactory) {
		return new ClientProxyFactory(exceptionFactory);
	}

	@Bean(name = RpcClientsRegistrar.FACTORY_BEAN_NAME)
	@ConditionalOnMissingBean
	RpcClientFactory easyRpcClientFactory(EasyRpcClientProperties properties, ObjectCodec codec,
			ClientProxyFactory proxyFactory, Environment environment,
			ObjectProvider<RpcClientBootstrapCustomizer> customizers, ObjectProvider<ClientCallObserver> observers) {
		return new RpcClientFactory(properties, codec, proxyFactory, environment, customizers.orderedStream().toList(),
				observers.orderedStream().toList());
	}

}
