package io.easyrpc.autoconfigure;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import io.easyrpc.middleware.AccessLogObserver;
import io.easyrpc.middleware.ConnectionLimit;
import io.easyrpc.middleware.ConnectionMiddleware;
import io.easyrpc.middleware.IpFilter;
import io.easyrpc.middleware.PerIpConnectionLimit;
import io.easyrpc.middleware.RpcMiddleware;
import io.easyrpc.server.RpcServerListener;
import io.easyrpc.middleware.RpcProcessor;
import io.easyrpc.middleware.ServerCallObserver;
import io.easyrpc.server.RpcExceptionResolver;
import io.easyrpc.server.RpcServer;

import org.springframework.beans.factory.ListableBeanFactory;

/**
 * Hands the application's server-side beans to the server builder, each kind in
 * {@link org.springframework.core.annotation.Order @Order}: exception resolvers, call
 * observers, middleware, processors (then the server's built-in payload processors),
 * connection middleware (built-ins first), server listeners and bootstrap customizers.
 * Applied right after the properties, before the application's
 * {@link RpcServerBuilderCustomizer} beans.
 */
final class ServerBeansCustomizer implements RpcServerBuilderCustomizer {

	// Cheapest and most selective first: a peer the IP filter refuses takes no slot.
	private static final List<Class<? extends ConnectionMiddleware>> BUILT_IN_CONNECTION_MIDDLEWARE = List
		.of(IpFilter.class, PerIpConnectionLimit.class, ConnectionLimit.class);

	private final ListableBeanFactory beans;

	private final boolean accessLog;

	ServerBeansCustomizer(ListableBeanFactory beans, boolean accessLog) {
		this.beans = beans;
		this.accessLog = accessLog;
	}

	@Override
	public void customize(RpcServer.Builder builder) {
		ordered(RpcExceptionResolver.class).forEach(builder::exceptionResolver);
		ordered(ServerCallObserver.class).forEach(builder::observer);
		ordered(RpcMiddleware.class).forEach(builder::middleware);
		ordered(RpcProcessor.class).forEach(builder::processor);
		// the server's built-ins only, after the application's processors
		if (this.beans.containsBean(EasyRpcServerAutoConfiguration.PAYLOAD_PROCESSORS_BEAN_NAME)) {
			this.beans.getBean(EasyRpcServerAutoConfiguration.PAYLOAD_PROCESSORS_BEAN_NAME, PayloadProcessors.class)
				.processors()
				.forEach(builder::processor);
		}
		if (this.accessLog) {
			builder.observer(new AccessLogObserver());
		}
		builder.connectionMiddleware(builtInsFirst(ordered(ConnectionMiddleware.class)));
		ordered(RpcServerListener.class).forEach(builder::listener);
		ordered(RpcServerBootstrapCustomizer.class)
			.forEach((customizer) -> builder.bootstrapCustomizer(customizer::customize));
	}

	private <T> Stream<T> ordered(Class<T> type) {
		return this.beans.getBeanProvider(type).orderedStream();
	}

	static List<ConnectionMiddleware> builtInsFirst(Stream<ConnectionMiddleware> ordered) {
		List<ConnectionMiddleware> all = ordered.toList();
		List<ConnectionMiddleware> result = new ArrayList<>(all.size());
		for (Class<? extends ConnectionMiddleware> type : BUILT_IN_CONNECTION_MIDDLEWARE) {
			all.stream().filter(type::isInstance).forEach(result::add);
		}
		all.stream()
			.filter((middleware) -> BUILT_IN_CONNECTION_MIDDLEWARE.stream()
				.noneMatch((type) -> type.isInstance(middleware)))
			.forEach(result::add);
		return result;
	}

}
