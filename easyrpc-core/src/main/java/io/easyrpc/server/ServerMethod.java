package io.easyrpc.server;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.easyrpc.RpcException;
import io.easyrpc.RpcStatus;
import io.easyrpc.codec.CodecException;
import io.easyrpc.codec.ObjectCodec;
import io.easyrpc.codec.ValueType;
import io.easyrpc.middleware.RpcMiddleware;
import io.easyrpc.internal.protocol.CallStyle;
import io.easyrpc.internal.protocol.MessagePackBuffers;
import io.netty.buffer.ByteBuf;
import org.jspecify.annotations.Nullable;
import org.msgpack.core.MessageFormat;
import org.msgpack.core.MessagePackException;
import org.msgpack.core.MessageUnpacker;

/**
 * A served method, prepared once at registration: its key, a method handle bound to the
 * target, and the resolved types of its parameters and result.
 */
public final class ServerMethod {

	private final String key;

	private final String serviceName;

	private final Method method;

	private final Object target;

	private final MethodOptions options;

	private final CallStyle callStyle;

	private final MethodHandle invoker;

	private final ValueType[] parameterTypes;

	private final String[] parameterNames;

	// The index of the Flux or Flow.Publisher parameter, or -1.
	private final int streamParameter;

	private final ValueType resultType;

	private final RpcMiddleware[] middleware;

	private final AtomicInteger running = new AtomicInteger();

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
		this.invoker = createInvoker(this.method, target);
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
		this.middleware = middleware.toArray(new RpcMiddleware[0]);
	}

	/**
	 * Return the middleware of the method's service, which runs inside the server's
	 * global middleware.
	 * @return the middleware, possibly empty
	 */
	public RpcMiddleware[] middleware() {
		return this.middleware;
	}

	/**
	 * Take a slot for a call if the method has a concurrency limit.
	 * @return {@code false} if the limit is reached; the call must then be refused
	 */
	public boolean tryAcquire() {
		int limit = this.options.maxConcurrency();
		if (limit == 0) {
			return true;
		}
		if (this.running.incrementAndGet() > limit) {
			this.running.decrementAndGet();
			return false;
		}
		return true;
	}

	/**
	 * Give back the slot of a call that {@link #tryAcquire()} admitted.
	 */
	public void release() {
		if (this.options.maxConcurrency() != 0) {
			this.running.decrementAndGet();
		}
	}

	/**
	 * Return how many calls of the method run now, counted only for methods with a
	 * concurrency limit.
	 * @return the calls running
	 */
	public int running() {
		return this.running.get();
	}

	private static MethodHandle createInvoker(Method method, Object target) {
		MethodHandle handle;
		try {
			handle = MethodHandles.publicLookup().unreflect(method);
		}
		catch (IllegalAccessException ex) {
			try {
				method.setAccessible(true);
				handle = MethodHandles.lookup().unreflect(method);
			}
			catch (IllegalAccessException | RuntimeException ex2) {
				throw new IllegalStateException("Cannot access method " + method + " of service "
						+ target.getClass().getName() + "; make it and its interface public", ex2);
			}
		}
		int count = method.getParameterCount();
		return handle.bindTo(target)
			.asSpreader(Object[].class, count)
			.asType(MethodType.methodType(Object.class, Object[].class));
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

	/**
	 * Invoke the method.
	 * @param arguments the arguments, one per parameter
	 * @return the method's return value
	 * @throws Throwable whatever the method throws
	 */
	public @Nullable Object invoke(@Nullable Object[] arguments) throws Throwable {
		return (Object) this.invoker.invokeExact(arguments);
	}

	/**
	 * Decode the arguments of a call: a MessagePack array (positional) or a map from
	 * parameter names to values (named).
	 * @param payload the request payload
	 * @param codec the codec
	 * @return one argument per parameter
	 * @throws RpcException with {@link RpcStatus#INVALID_ARGUMENT} if the payload does
	 * not fit the parameters
	 */
	public @Nullable Object[] decodeArguments(ByteBuf payload, ObjectCodec codec) {
		int index = -1;
		try {
			MessageUnpacker unpacker = MessagePackBuffers.get().unpacker(payload);
			Object[] arguments = new Object[this.parameterTypes.length];
			if (!unpacker.hasNext()) {
				throw invalid("no arguments were sent");
			}
			MessageFormat format = unpacker.getNextFormat();
			if (format.getValueType() == org.msgpack.value.ValueType.MAP) {
				int size = unpacker.unpackMapHeader();
				boolean[] present = new boolean[arguments.length];
				for (int i = 0; i < size; i++) {
					String name = unpacker.unpackString();
					index = indexOf(name);
					if (index == this.streamParameter) {
						unpacker.skipValue();
						continue;
					}
					arguments[index] = codec.read(unpacker, this.parameterTypes[index]);
					present[index] = true;
				}
				index = -1;
				for (int i = 0; i < arguments.length; i++) {
					if (!present[i] && this.method.getParameterTypes()[i].isPrimitive()) {
						throw invalid("argument '" + this.parameterNames[i] + "' is missing");
					}
				}
			}
			else {
				int size = unpacker.unpackArrayHeader();
				if (size != arguments.length) {
					throw invalid("expected " + arguments.length + " argument" + ((arguments.length != 1) ? "s" : "")
							+ ", got " + size);
				}
				for (index = 0; index < size; index++) {
					if (index == this.streamParameter) {
						// Its items follow in NEXT frames; the request has nil here.
						unpacker.skipValue();
						continue;
					}
					arguments[index] = codec.read(unpacker, this.parameterTypes[index]);
				}
				index = -1;
			}
			for (int i = 0; i < arguments.length; i++) {
				if (arguments[i] == null && this.method.getParameterTypes()[i].isPrimitive()) {
					throw invalid("argument '" + this.parameterNames[i] + "' of primitive type "
							+ this.method.getParameterTypes()[i] + " is null");
				}
			}
			return arguments;
		}
		catch (RpcException ex) {
			throw ex;
		}
		catch (CodecException | IOException | MessagePackException ex) {
			String which = (index >= 0) ? "argument '" + this.parameterNames[index] + "': " : "";
			throw invalid(which + ex.getMessage());
		}
	}

	private int indexOf(String name) {
		for (int i = 0; i < this.parameterNames.length; i++) {
			if (this.parameterNames[i].equals(name)) {
				return i;
			}
		}
		throw invalid("no parameter named '" + name + "'; parameters are " + Arrays.toString(this.parameterNames));
	}

	private RpcException invalid(String detail) {
		return new RpcException(RpcStatus.INVALID_ARGUMENT, "Invalid arguments for " + this.key + ": " + detail);
	}

	@Override
	public String toString() {
		return this.key + " -> " + this.method;
	}

}
