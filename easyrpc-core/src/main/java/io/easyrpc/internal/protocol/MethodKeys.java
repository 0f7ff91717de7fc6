package io.easyrpc.internal.protocol;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The rules that turn Java methods into method keys, shared by servers and clients so
 * that both sides agree. A key is {@code Service.method} or {@code group/Service.method},
 * where {@code Service} is the simple name of the interface that declares the method (or
 * of the class, for a service without interfaces), unless a name is given explicitly.
 */
public final class MethodKeys {

	private static final String[] EXCLUDED_PACKAGES = { "java.", "javax.", "jakarta.", "jdk.", "sun.", "kotlin.",
			"groovy.", "scala.", "org.springframework.", "org.aopalliance.", "reactor.",
			// The local control methods that every client proxy implements.
			"io.easyrpc.client.RpcClientControl" };

	// Reflection returns methods in no particular order; sorting makes keys, error
	// messages and reflection output the same on every start.
	private static final Comparator<Method> BY_NAME_AND_PARAMETERS = Comparator
		.comparing((Method method) -> method.getDeclaringClass().getName())
		.thenComparing(Method::getName)
		.thenComparing((method) -> Arrays.toString(method.getParameterTypes()));

	private MethodKeys() {
	}

	/**
	 * Build a method key.
	 * @param group the group, or {@code null}/empty for none
	 * @param service the service name
	 * @param method the method name
	 * @return the key
	 */
	public static String key(String group, String service, String method) {
		String key = service + "." + method;
		return (group == null || group.isEmpty()) ? key : group + "/" + key;
	}

	/**
	 * Return the methods a type exposes: the abstract and default methods of the
	 * interfaces it implements (JDK, framework and easyrpc interfaces excluded), or, for
	 * a class without such interfaces, its public instance methods other than those of
	 * {@link Object}.
	 * @param type the service class or client interface
	 * @return the exposed methods, in a stable order
	 */
	public static List<Method> exposedMethods(Class<?> type) {
		Set<Class<?>> interfaces = new LinkedHashSet<>();
		if (type.isInterface() && isEligible(type)) {
			interfaces.add(type);
		}
		collectInterfaces(type, interfaces);
		List<Method> methods = new ArrayList<>();
		if (!interfaces.isEmpty()) {
			for (Class<?> candidate : interfaces) {
				for (Method method : candidate.getDeclaredMethods()) {
					if (!Modifier.isStatic(method.getModifiers()) && !method.isSynthetic()
							&& Modifier.isPublic(method.getModifiers())) {
						methods.add(method);
					}
				}
			}
			methods.sort(BY_NAME_AND_PARAMETERS);
			return methods;
		}
		for (Method method : type.getMethods()) {
			if (method.getDeclaringClass() != Object.class && !Modifier.isStatic(method.getModifiers())
					&& !method.isSynthetic() && !method.isBridge() && isEligible(method.getDeclaringClass())) {
				methods.add(method);
			}
		}
		methods.sort(BY_NAME_AND_PARAMETERS);
		return methods;
	}

	/**
	 * Return the default service name of a method: the simple name of the class or
	 * interface that declares it.
	 * @param method the method
	 * @return the service name
	 */
	public static String defaultServiceName(Method method) {
		return method.getDeclaringClass().getSimpleName();
	}

	private static void collectInterfaces(Class<?> type, Set<Class<?>> result) {
		for (Class<?> current = type; current != null && current != Object.class; current = current.getSuperclass()) {
			for (Class<?> candidate : current.getInterfaces()) {
				if (isEligible(candidate)) {
					result.add(candidate);
				}
				collectInterfaces(candidate, result);
			}
		}
	}

	private static boolean isEligible(Class<?> type) {
		String name = type.getName();
		for (String excluded : EXCLUDED_PACKAGES) {
			if (name.startsWith(excluded)) {
				return false;
			}
		}
		return true;
	}

}
