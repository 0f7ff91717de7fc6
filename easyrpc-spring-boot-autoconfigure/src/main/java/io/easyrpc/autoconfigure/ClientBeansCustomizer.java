package io.easyrpc.autoconfigure;

import java.util.stream.Stream;
import java.util.List;

import io.easyrpc.client.MsgpackRpcNotificationListener;
import io.easyrpc.client.RpcChannel;
import io.easyrpc.middleware.ClientCallObserver;
import io.easyrpc.middleware.RpcProcessor;

import org.springframework.beans.factory.ListableBeanFactory;

/**
 * Hands the application's client-side beans to every channel builder, each kind in
 * {@link org.springframework.core.annotation.Order @Order}: bootstrap customizers, call
 * observers and processors (then the clients' built-in payload processors). Applied
 * before the application's {@link RpcChannelBuilderCustomizer} beans.
 * <p>
 * A channel to plain MessagePack-RPC servers gets no payload processors (such servers
 * would not understand the processed payloads) and hands the servers' notifications to
 * every {@link MsgpackRpcNotificationListener} bean, in order; a target's
 * {@code notification-listener} property names a single bean instead (applied by the
 * {@link RpcClientFactory}).
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
		if (builder.isMsgpackRpc()) {
			List<MsgpackRpcNotificationListener> listeners = ordered(MsgpackRpcNotificationListener.class).toList();
			if (!listeners.isEmpty()) {
				builder.msgpackRpcNotificationListener((listeners.size() == 1) ? listeners.get(0) : (server, method,
						params) -> listeners.forEach((listener) -> listener.onNotification(server, method, params)));
			}
			return;
		}
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
