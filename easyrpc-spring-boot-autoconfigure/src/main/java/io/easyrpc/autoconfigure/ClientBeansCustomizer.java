package io.easyrpc.autoconfigure;

import java.util.stream.Stream;

import io.easyrpc.client.RpcChannel;
import io.easyrpc.middleware.ClientCallObserver;
import io.easyrpc.middleware.RpcProcessor;

import org.springframework.beans.factory.ListableBeanFactory;

/**
 * Hands the application's client-side beans to every channel builder, each kind in
 * {@link org.springframework.core.annotation.Order @Order}: bootstrap customizers, call
 * observers and processors (then the clients' built-in payload processors). Applied
 * before the application's {@link RpcChannelBuilderCustomizer} beans.
 */
final class ClientBeansCustomizer implements RpcChannelBuilderCustomizer {

	private final ListableBeanFactory beans;

	ClientBeansCustomizer(ListableBeanFactory beans) {
		this.beans = beans;
	}

	@Override
	public void customize(String address, RpcChannel.Builder builder) {
		ordered(RpcClientBootstrapCustomizer.class)
			.forEach((customizer) -> builder.bootstrapCustomizer(customizer::customize));
		ordered(ClientCallObserver.class).forEach(builder::observer);
		ordered(RpcProcessor.class).forEach(builder::processor);
		// the clients' built-ins only, after the application's processors
		if (this.beans.containsBean(EasyRpcClientAutoConfiguration.PAYLOAD_PROCESSORS_BEAN_NAME)) {
			this.beans.getBean(EasyRpcClientAutoConfiguration.PAYLOAD_PROCESSORS_BEAN_NAME, PayloadProcessors.class)
				.processors()
				.forEach(builder::processor);
		}
	}

	private <T> Stream<T> ordered(Class<T> type) {
		return this.beans.getBeanProvider(type).orderedStream();
	}

}
