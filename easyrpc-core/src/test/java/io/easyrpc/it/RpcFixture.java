package io.easyrpc.it;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.function.Consumer;

import io.easyrpc.client.ClientDefinition;
import io.easyrpc.client.ClientProxyFactory;
import io.easyrpc.client.ExceptionFactory;
import io.easyrpc.client.RpcChannel;
import io.easyrpc.codec.ObjectCodec;
import io.easyrpc.server.RpcServer;
import io.easyrpc.server.ServiceDefinition;
import io.easyrpc.server.ServiceRegistry;
import io.easyrpc.transport.RpcAddress;

/**
 * Starts servers and channels for a test and stops all of them in {@link #close()}, most
 * recent first.
 */
final class RpcFixture implements AutoCloseable {

	static final ObjectCodec CODEC = ObjectCodec.createDefault();

	static final String ALLOWED_EXCEPTION_PACKAGE = "io.easyrpc.it.errors";

	static final Duration TIMEOUT = Duration.ofSeconds(10);

	private final Deque<Runnable> cleanups = new ArrayDeque<>();

	/**
	 * Start a server on a random loopback port serving the given objects.
	 */
	RpcServer tcpServer(Object... services) {
		return server(RpcAddress.tcp("127.0.0.1", 0), (builder) -> {
		}, definitions(services));
	}

	RpcServer server(RpcAddress address, Consumer<RpcServer.Builder> customizer, ServiceDefinition... services) {
		ServiceRegistry registry = new ServiceRegistry(CODEC);
		for (ServiceDefinition service : services) {
			registry.register(service);
		}
		RpcServer.Builder builder = RpcServer.builder().address(address).registry(registry).codec(CODEC);
		customizer.accept(builder);
		RpcServer server = builder.build();
		this.cleanups.push(() -> server.stop(Duration.ZERO));
		server.start();
		return server;
	}

	static ServiceDefinition[] definitions(Object... services) {
		ServiceDefinition[] definitions = new ServiceDefinition[services.length];
		for (int i = 0; i < services.length; i++) {
			definitions[i] = ServiceDefinition.builder(services[i]).build();
		}
		return definitions;
	}

	static RpcAddress address(RpcServer server) {
		return RpcAddress.tcp("127.0.0.1", server.port());
	}

	RpcChannel channel(RpcServer server) {
		return channel(address(server), (builder) -> {
		});
	}

	RpcChannel channel(RpcAddress address, Consumer<RpcChannel.Builder> customizer) {
		RpcChannel.Builder builder = RpcChannel.builder(address).codec(CODEC);
		customizer.accept(builder);
		RpcChannel channel = builder.build();
		this.cleanups.push(channel::close);
		return channel;
	}

	<T> T client(Class<T> type, RpcChannel channel) {
		return client(ClientDefinition.of(type, TIMEOUT), channel);
	}

	<T> T client(ClientDefinition definition, RpcChannel channel) {
		return client(definition, channel, new ExceptionFactory(List.of(ALLOWED_EXCEPTION_PACKAGE), null));
	}

	<T> T client(ClientDefinition definition, RpcChannel channel, ExceptionFactory exceptionFactory) {
		return new ClientProxyFactory(exceptionFactory).createProxy(definition, channel);
	}

	/**
	 * Run a clean-up action with the others when the fixture closes.
	 */
	void onClose(Runnable cleanup) {
		this.cleanups.push(cleanup);
	}

	@Override
	public void close() {
		RuntimeException failure = null;
		while (!this.cleanups.isEmpty()) {
			try {
				this.cleanups.pop().run();
			}
			catch (RuntimeException ex) {
				if (failure == null) {
					failure = ex;
				}
				else {
					failure.addSuppressed(ex);
				}
			}
		}
		if (failure != null) {
			throw failure;
		}
	}

}
