package io.easyrpc;

import java.lang.reflect.Method;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * Finds the {@link RpcMethod @RpcMethod} annotation that applies to a method. The
 * {@link #standard() standard} lookup reads the method itself, then the methods it
 * overrides or implements; frameworks with richer annotation models (composed or merged
 * annotations) pass their own lookup to the same option rules.
 *
 * @see io.easyrpc.server.MethodOptions#annotated(Method, Class, RpcMethodLookup)
 * @see io.easyrpc.client.ClientMethodOptions#annotated(Method, RpcMethodLookup)
 */
@FunctionalInterface
public interface RpcMethodLookup {

	/**
	 * Find the annotation of a method.
	 * @param method the method
	 * @return the annotation, or {@code null} if the method has none
	 */
	@Nullable RpcMethod find(Method method);

	/**
	 * Return the lookup that uses plain reflection: the annotation on the method, else
	 * the one on the nearest method it overrides in a superclass or implements from an
	 * interface.
	 * @return the standard lookup
	 */
	static RpcMethodLookup standard() {
		return RpcMethodLookup::findInHierarchy;
	}

	private static @Nullable RpcMethod findInHierarchy(Method method) {
		RpcMethod direct = method.getAnnotation(RpcMethod.class);
		if (direct != null) {
			return direct;
		}
		Deque<Class<?>> pending = new ArrayDeque<>();
		Set<Class<?>> seen = new HashSet<>();
		addSupertypes(method.getDeclaringClass(), pending);
		while (!pending.isEmpty()) {
			Class<?> type = pending.removeFirst();
			if (!seen.add(type)) {
				continue;
			}
			try {
				RpcMethod found = type.getDeclaredMethod(method.getName(), method.getParameterTypes())
					.getAnnotation(RpcMethod.class);
				if (found != null) {
					return found;
				}
			}
			catch (NoSuchMethodException ex) {
				// this supertype does not declare the method: look further up
			}
			addSupertypes(type, pending);
		}
		return null;
	}

	private static void addSupertypes(Class<?> type, Deque<Class<?>> pending) {
		if (type.getSuperclass() != null && type.getSuperclass() != Object.class) {
			pending.addLast(type.getSuperclass());
		}
		for (Class<?> parent : type.getInterfaces()) {
			pending.addLast(parent);
		}
	}

}
