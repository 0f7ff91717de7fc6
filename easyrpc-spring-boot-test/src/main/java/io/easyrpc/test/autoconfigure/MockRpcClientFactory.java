package io.easyrpc.test.autoconfigure;

import java.util.List;

import io.easyrpc.annotation.RpcClient;
import io.easyrpc.autoconfigure.EasyRpcClientProperties;
import io.easyrpc.autoconfigure.RpcClientFactory;
import io.easyrpc.client.ClientDefinition;
import io.easyrpc.client.ClientProxyFactory;
import io.easyrpc.client.RpcChannel;
import io.easyrpc.codec.ObjectCodec;

import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.env.Environment;

/**
 * The {@link RpcClientFactory} of the {@link RpcClientTest @RpcClientTest} slice: every
 * client it makes calls the {@link MockRpcServer}, whatever its target or URL says. The
 * proxies come from the application's {@link ClientProxyFactory}, so client middleware
 * and exception re-creation apply; the deadline is {@code easyrpc.client.timeout}. The
 * channel of a configured target (what {@code GenericRpcClient} beans call) is the mock
 * server's too.
 */
class MockRpcClientFactory extends RpcClientFactory {

	private final EasyRpcClientProperties properties;

	private final ClientProxyFactory proxyFactory;

	private final MockRpcServer server;

	MockRpcClientFactory(EasyRpcClientProperties properties, ObjectCodec codec, ClientProxyFactory proxyFactory,
			Environment environment, MockRpcServer server) {
		super(properties, codec, proxyFactory, environment, List.of());
		this.properties = properties;
		this.proxyFactory = proxyFactory;
		this.server = server;
	}

	@Override
	public <T> T createClient(Class<T> type) {
		RpcClient annotation = AnnotatedElementUtils.findMergedAnnotation(type, RpcClient.class);
		String service = (annotation != null) ? annotation.service() : null;
		String group = (annotation != null) ? annotation.group() : null;
		this.server.register(type, service, group);
		ClientDefinition definition = new ClientDefinition(type, service, group, this.properties.getTimeout(), null);
		return this.proxyFactory.createProxy(definition, this.server.channel());
	}

	@Override
	public RpcChannel targetChannel(String targetName, String property) {
		return this.server.channel();
	}

}
