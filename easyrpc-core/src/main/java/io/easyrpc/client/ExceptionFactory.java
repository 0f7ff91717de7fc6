package io.easyrpc.client;

import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Collection;
import java.util.List;

import io.easyrpc.RpcException;
import org.jspecify.annotations.Nullable;

/**
 * Re-creates the server's exception on the client where that is safe, and only there. A
 * remote exception class is re-created when it is
 * <ul>
 * <li>declared in the called method's {@code throws} clause,</li>
 * <li>a {@link RuntimeException} of the JDK in {@code java.lang} or {@code java.util} (or
 * their sub-packages), or</li>
 * <li>in one of the explicitly allowed packages;</li>
 * </ul>
 * and has a public constructor taking a message (or message and cause, or nothing). In
 * every other case the caller gets the {@link RpcException} itself. No other class named
 * by the wire is ever loaded or instantiated. The {@code RpcException} becomes the cause
 * of a re-created exception, so the status stays available.
 */
public final class ExceptionFactory {

	private static final String[] STANDARD_PACKAGES = { "java.lang.", "java.util." };

	private final List<String> allowedPackages;

	private final ClassLoader classLoader;

	/**
	 * Create a factory.
	 * @param allowedPackages packages whose exceptions may be re-created, for example
	 * {@code com.example.errors}
	 * @param classLoader the class loader for exceptions of those packages
	 */
	public ExceptionFactory(Collection<String> allowedPackages, @Nullable ClassLoader classLoader) {
		this.allowedPackages = allowedPackages.stream()
			.map(String::trim)
			.filter((name) -> !name.isEmpty())
			.map((name) -> name.endsWith(".") ? name : name + ".")
			.toList();
		this.classLoader = (classLoader != null) ? classLoader : ExceptionFactory.class.getClassLoader();
	}

	/**
	 * Return the exception the caller of {@code method} should see for {@code error}.
	 * @param error the failure as reported
	 * @param method the called interface method
	 * @return the re-created exception, or {@code error}
	 */
	public Throwable toException(RpcException error, Method method) {
		String name = error.getRemoteClassName();
		if (name == null) {
			return error;
		}
		Class<?> type = resolve(name, method);
		if (type == null || !Throwable.class.isAssignableFrom(type) || Modifier.isAbstract(type.getModifiers())) {
			return error;
		}
		Throwable exception = instantiate(type, error.getDescription());
		if (exception == null) {
			return error;
		}
		try {
			exception.initCause(error);
		}
		catch (IllegalStateException ex) {
			exception.addSuppressed(error);
		}
		return exception;
	}

	private @Nullable Class<?> resolve(String name, Method method) {
		for (Class<?> declared : method.getExceptionTypes()) {
			if (declared.getName().equals(name)) {
				return declared;
			}
		}
		if (isStandard(name)) {
			try {
				Class<?> type = Class.forName(name, false, null);
				return (RuntimeException.class.isAssignableFrom(type)) ? type : null;
			}
			catch (ClassNotFoundException ex) {
				return null;
			}
		}
		for (String allowed : this.allowedPackages) {
			if (name.startsWith(allowed)) {
				try {
					return Class.forName(name, false, this.classLoader);
				}
				catch (ClassNotFoundException | LinkageError ex) {
					return null;
				}
			}
		}
		return null;
	}

	private static boolean isStandard(String name) {
		for (String prefix : STANDARD_PACKAGES) {
			if (name.startsWith(prefix)) {
				return true;
			}
		}
		return false;
	}

	private static @Nullable Throwable instantiate(Class<?> type, @Nullable String message) {
		try {
			Constructor<?> constructor = type.getConstructor(String.class);
			return (Throwable) constructor.newInstance(message);
		}
		catch (ReflectiveOperationException | RuntimeException ex) {
			// try the next constructor shape
		}
		try {
			Constructor<?> constructor = type.getConstructor(String.class, Throwable.class);
			return (Throwable) constructor.newInstance(message, null);
		}
		catch (ReflectiveOperationException | RuntimeException ex) {
			// try the next constructor shape
		}
		try {
			return (Throwable) type.getConstructor().newInstance();
		}
		catch (ReflectiveOperationException | RuntimeException ex) {
			return null;
		}
	}

}
