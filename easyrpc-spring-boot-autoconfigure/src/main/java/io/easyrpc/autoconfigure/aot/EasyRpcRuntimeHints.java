package io.easyrpc.autoconfigure.aot;

import java.util.ConcurrentModificationException;
import java.util.NoSuchElementException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;

import io.easyrpc.RpcContext;
import org.jspecify.annotations.Nullable;

import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;

/**
 * The runtime hints of what the engine reaches by reflection whatever the application:
 * the standard exceptions a client re-creates from a server's error, and the context
 * class the engine initializes by name.
 */
class EasyRpcRuntimeHints implements RuntimeHintsRegistrar {

	/**
	 * The {@code java.lang} and {@code java.util} exceptions that a client re-creates
	 * when a server method throws one: the ones application code commonly throws.
	 */
	static final Class<?>[] STANDARD_EXCEPTIONS = { IllegalArgumentException.class, IllegalStateException.class,
			UnsupportedOperationException.class, NullPointerException.class, ArithmeticException.class,
			IndexOutOfBoundsException.class, ArrayIndexOutOfBoundsException.class,
			StringIndexOutOfBoundsException.class, ClassCastException.class, NumberFormatException.class,
			SecurityException.class, NoSuchElementException.class, ConcurrentModificationException.class,
			CancellationException.class, CompletionException.class, RejectedExecutionException.class };

	@Override
	public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
		for (Class<?> exception : STANDARD_EXCEPTIONS) {
			hints.reflection().registerType(exception, MemberCategory.INVOKE_PUBLIC_CONSTRUCTORS);
		}
		hints.reflection().registerType(RpcContext.class);
	}

}
