package io.easyrpc.server;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

import io.easyrpc.RpcMethodLookup;
import io.easyrpc.middleware.RpcMiddleware;
import io.easyrpc.internal.protocol.MethodKeys;
import org.jspecify.annotations.Nullable;

/**
 * A service to serve: an object and the methods of it that are exposed under their keys.
 * Built from a bean by {@link #builder(Object)}, or method by method for code that
 * registers functions directly.
 */
public final class ServiceDefinition {

	private final Object target;

	private final List<Entry> methods;

	private final List<RpcMiddleware> middleware;

	private ServiceDefinition(Object target, List<Entry> methods, List<RpcMiddleware> middleware) {
		this.target = target;
		this.methods = Collections.unmodifiableList(methods);
		this.middleware = List.copyOf(middleware);
	}

	/**
	 * Start a definition for an object. Without further settings it exposes the methods
	 * of the interfaces the object implements under {@code Interface.method}, or its
	 * public methods under {@code Class.method} if it implements none, with the options
	 * of their {@link io.easyrpc.RpcMethod @RpcMethod} annotations (the implementation's
	 * method first, then the interface's).
	 * @param target the object whose methods are invoked
	 * @return a builder
	 */
	public static Builder builder(Object target) {
		return new Builder(target);
	}

	/**
	 * Return the object whose methods are invoked.
	 * @return the target
	 */
	public Object target() {
		return this.target;
	}

	/**
	 * Return the exposed methods.
	 * @return the methods with their keys and options
	 */
	public List<Entry> methods() {
		return this.methods;
	}

	/**
	 * Return the middleware of this service alone, which runs inside the server's global
	 * middleware.
	 * @return the middleware in order, possibly empty
	 */
	public List<RpcMiddleware> middleware() {
		return this.middleware;
	}

	/**
	 * One exposed method.
	 *
	 * @param key the method key
	 * @param serviceName the service part of the key
	 * @param method the Java method; its declaring type gives parameter and return types
	 * @param options the options
	 */
	public record Entry(String key, String serviceName, Method method, MethodOptions options) {
	}

	/**
	 * Builder of {@link ServiceDefinition}.
	 */
	public static final class Builder {

		private final Object target;

		private Class<?> type;

		private @Nullable String name;

		private @Nullable String group;

		private Function<Method, @Nullable MethodOptions> options;

		private final List<Method> explicitMethods = new ArrayList<>();

		private final List<RpcMiddleware> middleware = new ArrayList<>();

		private Builder(Object target) {
			this.target = Objects.requireNonNull(target, "target must not be null");
			this.type = target.getClass();
			this.options = (method) -> MethodOptions.annotated(method, this.type, RpcMethodLookup.standard());
		}

		/**
		 * Set the type whose interfaces or methods are exposed, when the target is a
		 * proxy or subclass of the user's class.
		 * @param type the user type
		 * @return this builder
		 */
		public Builder type(Class<?> type) {
			this.type = Objects.requireNonNull(type, "type must not be null");
			return this;
		}

		/**
		 * Set the service name used in every key instead of the declaring type's simple
		 * name.
		 * @param name the service name, or {@code null}/empty for the default
		 * @return this builder
		 */
		public Builder name(@Nullable String name) {
			this.name = name;
			return this;
		}

		/**
		 * Put the service into a group (namespace): keys become
		 * {@code group/Service.method}.
		 * @param group the group, or {@code null}/empty for none
		 * @return this builder
		 */
		public Builder group(@Nullable String group) {
			this.group = group;
			return this;
		}

		/**
		 * Set a function that gives the options of each method instead of its
		 * {@link io.easyrpc.RpcMethod @RpcMethod} annotation. It may return {@code null}
		 * for the defaults; it may call
		 * {@link MethodOptions#annotated(Method, Class, RpcMethodLookup)} to start from
		 * the annotation.
		 * @param options the options function
		 * @return this builder
		 */
		public Builder methodOptions(Function<Method, @Nullable MethodOptions> options) {
			this.options = Objects.requireNonNull(options, "options must not be null");
			return this;
		}

		/**
		 * Add middleware that wraps the calls of this service only, inside the server's
		 * global middleware; several run in the order added.
		 * @param middleware the middleware
		 * @return this builder
		 */
		public Builder middleware(RpcMiddleware... middleware) {
			for (RpcMiddleware element : middleware) {
				this.middleware.add(Objects.requireNonNull(element, "middleware must not be null"));
			}
			return this;
		}

		/**
		 * Expose only the given method (may be called several times) instead of
		 * discovering the methods of the type.
		 * @param method a method of the target
		 * @return this builder
		 */
		public Builder method(Method method) {
			this.explicitMethods.add(Objects.requireNonNull(method, "method must not be null"));
			return this;
		}

		/**
		 * Build the definition.
		 * @return the definition
		 * @throws IllegalStateException if two exposed methods share a key, with a
		 * message naming both
		 */
		public ServiceDefinition build() {
			List<Method> candidates = this.explicitMethods.isEmpty() ? MethodKeys.exposedMethods(this.type)
					: this.explicitMethods;
			if (candidates.isEmpty()) {
				throw new IllegalStateException("Service " + this.type.getName() + " exposes no methods");
			}
			Map<String, Entry> entries = new LinkedHashMap<>();
			for (Method method : candidates) {
				MethodOptions methodOptions = this.options.apply(method);
				if (methodOptions == null) {
					methodOptions = MethodOptions.DEFAULT;
				}
				String service = (this.name != null && !this.name.isEmpty()) ? this.name
						: MethodKeys.defaultServiceName(method);
				String methodName = (methodOptions.name() != null && !methodOptions.name().isEmpty())
						? methodOptions.name() : method.getName();
				String key = MethodKeys.key(this.group, service, methodName);
				Entry existing = entries.get(key);
				if (existing != null) {
					throw new IllegalStateException("Service " + this.type.getName() + " has two methods under key '"
							+ key + "': " + describe(existing.method()) + " and " + describe(method)
							+ ". Overloaded methods cannot share a key: give one of them another name "
							+ "(@RpcMethod(name = ...)).");
				}
				entries.put(key, new Entry(key, service, method, methodOptions));
			}
			return new ServiceDefinition(this.target, new ArrayList<>(entries.values()), this.middleware);
		}

		static String describe(Method method) {
			StringBuilder text = new StringBuilder(method.getDeclaringClass().getSimpleName()).append('.')
				.append(method.getName())
				.append('(');
			Class<?>[] parameters = method.getParameterTypes();
			for (int i = 0; i < parameters.length; i++) {
				text.append((i > 0) ? ", " : "").append(parameters[i].getSimpleName());
			}
			return text.append(')').toString();
		}

	}

}
