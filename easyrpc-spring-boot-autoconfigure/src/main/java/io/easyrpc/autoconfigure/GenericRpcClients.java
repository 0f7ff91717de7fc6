package io.easyrpc.autoconfigure;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

import io.easyrpc.client.GenericRpcClient;

/**
 * Gives a {@link GenericRpcClient} for any target configured under
 * {@code easyrpc.client.targets.<name>}: it calls through the channel the target's typed
 * clients share (same addresses, TLS, shared secret, balancing and retries) with the
 * target's timeout ({@code easyrpc.client.targets.<name>.timeout}, else
 * {@code easyrpc.client.timeout}). The auto-configuration also registers one client bean
 * per configured target, named {@code <name>GenericRpcClient}, taken from this factory.
 */
public class GenericRpcClients {

	private final RpcClientFactory clientFactory;

	private final EasyRpcClientProperties properties;

	private final Map<String, GenericRpcClient> clients = new ConcurrentHashMap<>();

	/**
	 * Create the factory.
	 * @param clientFactory makes and shares the targets' channels
	 * @param properties the client properties
	 */
	public GenericRpcClients(RpcClientFactory clientFactory, EasyRpcClientProperties properties) {
		this.clientFactory = Objects.requireNonNull(clientFactory, "clientFactory must not be null");
		this.properties = Objects.requireNonNull(properties, "properties must not be null");
	}

	/**
	 * Return the generic client of a target from the given factory: the factory method of
	 * the {@code <target>GenericRpcClient} beans, public so that code generated ahead of
	 * time can call it.
	 * @param target the name of the entry under {@code easyrpc.client.targets}
	 * @param clients the application's generic clients
	 * @return the client
	 */
	public static GenericRpcClient client(String target, GenericRpcClients clients) {
		return clients.get(target);
	}

	/**
	 * Return the generic client of a target, made on first use and then shared; it does
	 * not validate arguments.
	 * @param target the name of the entry under {@code easyrpc.client.targets}
	 * @return the client
	 * @throws IllegalStateException if no such target is configured or it has no address
	 */
	public GenericRpcClient get(String target) {
		return this.clients.computeIfAbsent(target, (name) -> builder(name).build());
	}

	/**
	 * Start building a generic client of a target with its channel and timeout set, for
	 * example to switch validation on.
	 * @param target the name of the entry under {@code easyrpc.client.targets}
	 * @return a builder
	 * @throws IllegalStateException if no such target is configured or it has no address
	 */
	public GenericRpcClient.Builder builder(String target) {
		Objects.requireNonNull(target, "target must not be null");
		EasyRpcClientProperties.Target settings = this.properties.getTargets().get(target);
		Duration timeout = (settings != null && settings.getTimeout() != null) ? settings.getTimeout()
				: this.properties.getTimeout();
		GenericRpcClient.Builder builder = GenericRpcClient
			.builder(this.clientFactory.targetChannel(target, "GenericRpcClients.get(\"" + target + "\")"));
		return (timeout != null) ? builder.timeout(timeout) : builder;
	}

}
