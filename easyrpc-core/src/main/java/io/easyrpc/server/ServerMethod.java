package io.easyrpc.server;

import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.Arrays;
import java.util.List;

import io.easyrpc.codec.ObjectCodec;
import io.easyrpc.codec.ValueType;
import io.easyrpc.internal.protocol.CallStyle;
import io.easyrpc.internal.server.MethodInvoker;
import io.easyrpc.middleware.RpcMiddleware;
import org.jspecify.annotations.Nullable;

/**
 * A served method, prepared once at registration: its key, options and call style, and
 * the resolved types of its parameters and result. How calls of it are decoded, limited
 * and invoked is the engine's business.
 */
public final class ServerMethod {

	static {
		MethodInvoker.registerAccess((method) -> method.invoker);
	}

	private final String key;

	private final String serviceName;

	private final Method method;

	private final Object target;

	private final MethodOptions options;

	private final CallStyle callStyle;

	private final ValueType[] parameterTypes;

	private final String[] parameterNames;

	// The index of the Flux or Flow.Publisher parameter, or -1.
	private final int streamParameter;

	private final ValueType resultType;

	private final MethodInvoker invoker;

	ServerMethod(ServiceDefinition.Entry entry, Object target, ObjectCodec codec, List<RpcMiddleware> middleware) {
		this.key = entry.key();
		this.serviceName = entry.serviceName();
		this.method = entry.method();
		this.target = target;
		this.options = entry.options();
		this.callStyle = CallStyle.of(this.method);
		if (this.options.oneWay() && this.method.getReturnType() != void.class) {
			throw new IllegalStateException(
					"One-way method " + this.key + " must return void, not " + this.method.getReturnType().getName());
		}
		this.streamParameter = CallStyle.streamParameter(this.method);
		if (this.streamParameter >= 0 && this.options.oneWay()) {
			throw new IllegalStateException("One-way method " + this.key + " cannot take a stream parameter");
		}
		Parameter[] parameters = this.method.getParameters();
		this.parameterTypes = new ValueType[parameters.length];
		this.parameterNames = new String[parameters.length];
		for (int i = 0; i < parameters.length; i++) {
			this.parameterTypes[i] = (i == this.streamParameter)
					? codec.valueType(CallStyle.streamItemType(this.method, i))
					: codec.valueType(parameters[i].getParameterizedType());
			this.parameterNames[i] = parameters[i].getName();
		}
		this.resultType = codec.valueType(this.callStyle.valueType(this.method));
		this.invoker = new MethodInvoker(this.key, this.method, target, this.options.maxConcurrency(),
				this.parameterTypes, this.streamParameter, middleware);
	}

	/**
	 * Return how many calls of the method run now, counted only for methods with a
	 * concurrency limit.
	 * @return the calls running
	 */
	public int running() {
		return this.invoker.running();
	}

	/**
	 * Return the method key.
	 * @return the key
	 */
	public String key() {
		return this.key;
	}

	/**
	 * Return the service part of the key.
	 * @return the service name
	 */
	public String serviceName() {
		return this.serviceName;
	}

	/**
	 * Return the Java method.
	 * @return the method
	 */
	public Method method() {
		return this.method;
	}

	/**
	 * Return the object the method is invoked on.
	 * @return the target
	 */
	public Object target() {
		return this.target;
	}

	/**
	 * Return the options.
	 * @return the options
	 */
	public MethodOptions options() {
		return this.options;
	}

	/**
	 * Return the call style.
	 * @return the call style
	 */
	public CallStyle callStyle() {
		return this.callStyle;
	}

	/**
	 * Return the index of the stream parameter ({@code Flux} or {@code Flow.Publisher})
	 * that makes this method a client stream or a channel.
	 * @return the index, or {@code -1} if the method has none
	 */
	public int streamParameter() {
		return this.streamParameter;
	}

	/**
	 * Return the type of one item of the stream parameter.
	 * @return the item type, or {@code null} if the method has no stream parameter
	 */
	public @Nullable ValueType streamItemType() {
		return (this.streamParameter >= 0) ? this.parameterTypes[this.streamParameter] : null;
	}

	/**
	 * Return whether the stream parameter is a Reactor {@code Flux}.
	 * @return whether the method takes a {@code Flux}
	 */
	public boolean streamParameterIsFlux() {
		return this.streamParameter >= 0
				&& this.method.getParameterTypes()[this.streamParameter] != java.util.concurrent.Flow.Publisher.class;
	}

	/**
	 * Return the parameter names (from {@code -parameters}, else {@code arg0}...).
	 * @return the names
	 */
	public List<String> parameterNames() {
		return Arrays.asList(this.parameterNames);
	}

	/**
	 * Return the resolved type of the result value.
	 * @return the result type
	 */
	public ValueType resultType() {
		return this.resultType;
	}

	/**
	 * Return whether the exception is declared in the method's {@code throws} clause.
	 * @param exception the exception
	 * @return {@code true} if declared
	 */
	public boolean declares(Throwable exception) {
		for (Class<?> declared : this.method.getExceptionTypes()) {
			if (declared.isInstance(exception)) {
				return true;
			}
		}
		return false;
	}

	@Override
	public String toString() {
		return this.key + " -> " + this.method;
	}

}
