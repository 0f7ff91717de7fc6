package io.easyrpc.server;

import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.easyrpc.codec.ObjectCodec;
import org.jspecify.annotations.Nullable;

/**
 * The methods a server serves, by key. Registration refuses a key that is already taken,
 * with a message naming both methods.
 */
public final class ServiceRegistry {

	private final ObjectCodec codec;

	private final Map<String, ServerMethod> methods = new ConcurrentHashMap<>();

	private final Map<String, ServerMethod> ordered = Collections.synchronizedMap(new LinkedHashMap<>());

	/**
	 * Create an empty registry.
	 * @param codec the codec used to resolve parameter and result types
	 */
	public ServiceRegistry(ObjectCodec codec) {
		this.codec = codec;
	}

	/**
	 * Register every method of a service.
	 * @param service the service
	 * @throws IllegalStateException if a key is already registered; nothing of the
	 * service is registered then
	 */
	public synchronized void register(ServiceDefinition service) {
		List<ServerMethod> prepared = new ArrayList<>();
		for (ServiceDefinition.Entry entry : service.methods()) {
			ServerMethod existing = this.methods.get(entry.key());
			if (existing != null) {
				throw new IllegalStateException("easyrpc method key '" + entry.key() + "' is served twice: by "
						+ existing.target().getClass().getName() + "#" + existing.method().getName() + " and by "
						+ service.target().getClass().getName() + "#" + entry.method().getName()
						+ ". Give one service another name or group (@RpcService(name = ..., group = ...)).");
			}
			prepared.add(new ServerMethod(entry, service.target(), this.codec, service.middleware()));
		}
		for (ServerMethod method : prepared) {
			this.methods.put(method.key(), method);
			this.ordered.put(method.key(), method);
		}
	}

	/**
	 * Return the method registered under a key.
	 * @param key the method key
	 * @return the method, or {@code null}
	 */
	public @Nullable ServerMethod lookup(String key) {
		return this.methods.get(key);
	}

	/**
	 * Return every registered method in registration order.
	 * @return the methods
	 */
	public Collection<ServerMethod> methods() {
		synchronized (this.ordered) {
			return List.copyOf(this.ordered.values());
		}
	}

	/**
	 * Describe the registered services, grouped by service name and group, for
	 * reflection.
	 * @return the descriptions
	 */
	public List<ServiceDescriptor> describe() {
		Map<String, List<ServiceDescriptor.MethodDescriptor>> byService = new LinkedHashMap<>();
		for (ServerMethod method : methods()) {
			String key = method.key();
			String service = key.substring(0, key.lastIndexOf('.'));
			byService.computeIfAbsent(service, (name) -> new ArrayList<>()).add(describe(method));
		}
		List<ServiceDescriptor> services = new ArrayList<>();
		byService.forEach((name, list) -> services.add(new ServiceDescriptor(name, list)));
		return services;
	}

	private static ServiceDescriptor.MethodDescriptor describe(ServerMethod method) {
		List<ServiceDescriptor.ParameterDescriptor> parameters = new ArrayList<>();
		Type[] types = method.method().getGenericParameterTypes();
		List<String> names = method.parameterNames();
		for (int i = 0; i < types.length; i++) {
			parameters.add(new ServiceDescriptor.ParameterDescriptor(names.get(i), types[i].getTypeName()));
		}
		String style = method.options().oneWay() ? "one-way"
				: (method.streamParameter() >= 0) ? (method.callStyle().isStreaming() ? "bidi-stream" : "client-stream")
						: method.callStyle().name().toLowerCase();
		return new ServiceDescriptor.MethodDescriptor(method.key(), method.method().getName(), parameters,
				method.method().getGenericReturnType().getTypeName(), style, method.options().nonBlocking());
	}

}
