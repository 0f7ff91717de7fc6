package io.easyrpc.internal.server;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import io.easyrpc.RpcException;
import io.easyrpc.RpcStatus;
import io.easyrpc.codec.CodecException;
import io.easyrpc.codec.ObjectCodec;
import io.easyrpc.codec.ValueType;
import io.easyrpc.internal.protocol.MessagePackBuffers;
import io.easyrpc.middleware.RpcMiddleware;
import io.easyrpc.server.ServerMethod;
import io.netty.buffer.ByteBuf;
import org.jspecify.annotations.Nullable;
import org.msgpack.core.MessageFormat;
import org.msgpack.core.MessagePackException;
import org.msgpack.core.MessageUnpacker;

/**
 * The engine side of a served method, prepared once at registration beside its
 * {@link ServerMethod}: decodes the arguments of a call, takes and gives back a slot
 * under the method's concurrency limit, holds the middleware of its service and invokes
 * the method through a method handle bound to the target.
 */
public final class MethodInvoker {

	private static final byte[] NIL = { (byte) 0xc0 };

	private static volatile @Nullable Function<ServerMethod, MethodInvoker> access;

	private final String key;

	private final Method method;

	private final int maxConcurrency;

	private final MethodHandle invoker;

	private final ValueType[] parameterTypes;

	private final String[] parameterNames;

	// The index of the Flux or Flow.Publisher parameter, or -1.
	private final int streamParameter;

	private final RpcMiddleware[] middleware;

	private final AtomicInteger running = new AtomicInteger();

	/**
	 * Prepare the invocation of a method.
	 * @param key the method key
	 * @param method the Java method
	 * @param target the object the method is invoked on
	 * @param maxConcurrency the most calls that may run at once, {@code 0} for no limit
	 * @param parameterTypes the resolved type of each parameter, of one item for the
	 * stream parameter
	 * @param streamParameter the index of the stream parameter, or {@code -1}
	 * @param middleware the middleware of the method's service
	 */
	public MethodInvoker(String key, Method method, Object target, int maxConcurrency, ValueType[] parameterTypes,
			int streamParameter, List<RpcMiddleware> middleware) {
		this.key = key;
		this.method = method;
		this.maxConcurrency = maxConcurrency;
		this.invoker = createInvoker(method, target);
		this.parameterTypes = parameterTypes;
		Parameter[] parameters = method.getParameters();
		this.parameterNames = new String[parameters.length];
		for (int i = 0; i < parameters.length; i++) {
			this.parameterNames[i] = parameters[i].getName();
		}
		this.streamParameter = streamParameter;
		this.middleware = middleware.toArray(new RpcMiddleware[0]);
	}

	/**
	 * Register how the engine reaches the invoker of a method; {@link ServerMethod} does
	 * so when it is initialized.
	 * @param invokers the function that returns a method's invoker
	 * @throws IllegalStateException if the access is already registered
	 */
	public static void registerAccess(Function<ServerMethod, MethodInvoker> invokers) {
		synchronized (MethodInvoker.class) {
			if (access != null) {
				throw new IllegalStateException("Method invoker access is already registered");
			}
			access = invokers;
		}
	}

	/**
	 * Return the invoker of a served method.
	 * @param method the method, which has registered the access by now
	 * @return its invoker
	 */
	static MethodInvoker of(ServerMethod method) {
		return access.apply(method);
	}

	/**
	 * Return the middleware of the method's service, which runs inside the server's
	 * global middleware.
	 * @return the middleware, possibly empty
	 */
	RpcMiddleware[] middleware() {
		return this.middleware;
	}

	/**
	 * Take a slot for a call if the method has a concurrency limit.
	 * @return {@code false} if the limit is reached; the call must then be refused
	 */
	boolean tryAcquire() {
		int limit = this.maxConcurrency;
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
	void release() {
		if (this.maxConcurrency != 0) {
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
	 * Invoke the method.
	 * @param arguments the arguments, one per parameter
	 * @return the method's return value
	 * @throws Throwable whatever the method throws
	 */
	@Nullable Object invoke(@Nullable Object[] arguments) throws Throwable {
		return (Object) this.invoker.invokeExact(arguments);
	}

	/**
	 * Decode the arguments of a call: a MessagePack array (positional) or a map from
	 * parameter names to values (named). So that callers built against another version of
	 * the method keep working, an array shorter than the parameters leaves the trailing
	 * ones the value of nil (refused for primitives), and nils beyond the last parameter
	 * are skipped; a value there is refused.
	 * @param payload the request payload
	 * @param codec the codec
	 * @return one argument per parameter
	 * @throws RpcException with {@link RpcStatus#INVALID_ARGUMENT} if the payload does
	 * not fit the parameters
	 */
	@Nullable Object[] decodeArguments(ByteBuf payload, ObjectCodec codec) {
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
				int known = Math.min(size, arguments.length);
				for (index = 0; index < known; index++) {
					if (index == this.streamParameter) {
						// Its items follow in NEXT frames; the request has nil here.
						unpacker.skipValue();
						continue;
					}
					arguments[index] = codec.read(unpacker, this.parameterTypes[index]);
				}
				index = -1;
				if (size != arguments.length) {
					// A caller compiled against another version of the interface.
					if (size > arguments.length) {
						skipSurplus(unpacker, size);
					}
					else {
						fillMissing(arguments, size, codec);
					}
				}
			}
			if (unpacker.hasNext()) {
				throw invalid((payload.readableBytes() - unpacker.getTotalReadBytes())
						+ " bytes follow the arguments; the payload must be one array or map");
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

	/**
	 * Skip the arguments beyond the last parameter, which a caller with a later version
	 * of the method may send; refuse them unless they are nil, since the method could not
	 * honour a value it never sees.
	 */
	private void skipSurplus(MessageUnpacker unpacker, int size) throws IOException {
		for (int i = this.parameterTypes.length; i < size; i++) {
			if (unpacker.getNextFormat() != MessageFormat.NIL) {
				throw invalid(expected(size) + "; the argument at index " + i
						+ " is not nil and the method has no parameter for it");
			}
			unpacker.unpackNil();
		}
	}

	/**
	 * Give the parameters beyond the arguments sent, which a caller with an earlier
	 * version of the method does not know, the value of nil: {@code null}, or an empty
	 * {@code Optional}. Primitive parameters have no such value and are refused.
	 */
	private void fillMissing(@Nullable Object[] arguments, int size, ObjectCodec codec) {
		Class<?>[] types = this.method.getParameterTypes();
		for (int i = size; i < arguments.length; i++) {
			if (types[i].isPrimitive()) {
				throw invalid(expected(size) + "; argument '" + this.parameterNames[i] + "' (index " + i + ", "
						+ types[i].getName() + ") is missing and a primitive parameter has no default");
			}
			if (i != this.streamParameter) {
				try {
					arguments[i] = codec.decode(NIL, this.parameterTypes[i]);
				}
				catch (CodecException ex) {
					throw invalid(expected(size) + "; argument '" + this.parameterNames[i] + "' (index " + i
							+ ") is missing: " + ex.getMessage());
				}
			}
		}
	}

	private String expected(int size) {
		int count = this.parameterTypes.length;
		return "expected " + count + " argument" + ((count != 1) ? "s" : "") + ", got " + size;
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

}
