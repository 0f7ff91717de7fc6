package io.easyrpc.test.autoconfigure;

import io.easyrpc.autoconfigure.EasyRpcClientAutoConfiguration;
import io.easyrpc.autoconfigure.EasyRpcClientProperties;
import io.easyrpc.autoconfigure.EasyRpcCodecAutoConfiguration;
import io.easyrpc.autoconfigure.RpcClientFactory;
import io.easyrpc.autoconfigure.RpcClientsRegistrar;
import io.easyrpc.client.ClientProxyFactory;
import io.easyrpc.codec.ObjectCodec;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * Auto-configuration of the {@link MockRpcServer} of the
 * {@link RpcClientTest @RpcClientTest} slice, and of the {@link RpcClientFactory} that
 * points every {@code @RpcClient} proxy at it. Runs before
 * {@link EasyRpcClientAutoConfiguration}, whose own factory then backs off.
 */
@AutoConfiguration(after = EasyRpcCodecAutoConfiguration.class, before = EasyRpcClientAutoConfiguration.class)
@EnableConfigurationProperties(EasyRpcClientProperties.class)
public final class MockRpcServerAutoConfiguration {

	@Bean
	MockRpcServer easyRpcMockServer(ObjectCodec codec) {
		return new MockRpcServer(codec);
	}

	@Bean(name = RpcClientsRegistrar.FACTORY_BEAN_NAME)
	RpcClientFactory easyRpcMockClientFactory(EasyRpcClientProperties properties, ObjectCodec codec,
			ClientProxyFactory proxyFactory, Environment environment, MockRpcServer server) {
		return new MockRpcClientFactory(properties, codec, proxyFactory, environment, server);
	}

}
