package io.easyrpc.autoconfigure.aot;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.util.LinkedHashSet;
import java.util.Set;

import io.easyrpc.annotation.RpcClient;
import io.easyrpc.annotation.RpcService;
import io.easyrpc.client.RpcClientControl;
import io.easyrpc.internal.protocol.MethodKeys;
import org.jspecify.annotations.Nullable;

import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.BindingReflectionHintsRegistrar;
import org.springframework.beans.factory.aot.BeanFactoryInitializationAotContribution;
import org.springframework.beans.factory.aot.BeanFactoryInitializationAotProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ClassUtils;

/**
 * Registers, at build time, the runtime hints that the application's easyrpc beans need
 * in a native image: for each {@link RpcClient @RpcClient} interface its JDK proxy, its
 * methods, the types its arguments and results are mapped from and to, and the
 * constructors of the exceptions it declares (re-created on the client); for each
 * {@link RpcService @RpcService} bean the public methods the server invokes and the types
 * of their arguments and results.
 */
class RpcBeansAotProcessor implements BeanFactoryInitializationAotProcessor {

	@Override
	public @Nullable BeanFactoryInitializationAotContribution processAheadOfTime(
			ConfigurableListableBeanFactory beanFactory) {
		Set<Class<?>> clients = new LinkedHashSet<>();
		Set<Class<?>> services = new LinkedHashSet<>();
		for (String name : beanFactory.getBeanDefinitionNames()) {
			Class<?> type = beanType(beanFactory, name);
			if (type == null) {
				continue;
			}
			Class<?> userType = ClassUtils.getUserClass(type);
			if (userType.isInterface() && AnnotatedElementUtils.hasAnnotation(userType, RpcClient.class)) {
				clients.add(userType);
			}
			else if (AnnotatedElementUtils.hasAnnotation(userType, RpcService.class)) {
				services.add(userType);
			}
		}
		if (clients.isEmpty() && services.isEmpty()) {
			return null;
		}
		return (generationContext, code) -> {
			RuntimeHints hints = generationContext.getRuntimeHints();
			clients.forEach((client) -> registerClient(hints, client));
			services.forEach((service) -> registerService(hints, service));
		};
	}

	private static @Nullable Class<?> beanType(ConfigurableListableBeanFactory beanFactory, String name) {
		try {
			return beanFactory.getType(name, false);
		}
		catch (RuntimeException ex) {
			// a bean whose type cannot be known before it exists: not one of ours
			return null;
		}
	}

	/**
	 * Register the hints of one client interface.
	 * @param hints the hints to add to
	 * @param type the {@code @RpcClient} interface
	 */
	static void registerClient(RuntimeHints hints, Class<?> type) {
		if (RpcClientControl.class.isAssignableFrom(type)) {
			hints.proxies().registerJdkProxy(type);
		}
		else {
			hints.proxies().registerJdkProxy(type, RpcClientControl.class);
		}
		hints.reflection().registerType(type, MemberCategory.INVOKE_PUBLIC_METHODS);
		BindingReflectionHintsRegistrar binding = new BindingReflectionHintsRegistrar();
		for (Method method : MethodKeys.exposedMethods(type)) {
			registerSignature(hints, binding, method);
			for (Class<?> exception : method.getExceptionTypes()) {
				hints.reflection().registerType(exception, MemberCategory.INVOKE_PUBLIC_CONSTRUCTORS);
			}
		}
	}

	/**
	 * Register the hints of one service class.
	 * @param hints the hints to add to
	 * @param type the class of an {@code @RpcService} bean
	 */
	static void registerService(RuntimeHints hints, Class<?> type) {
		hints.reflection().registerType(type, MemberCategory.INVOKE_PUBLIC_METHODS);
		for (Class<?> contract : ClassUtils.getAllInterfacesForClassAsSet(type)) {
			hints.reflection().registerType(contract, MemberCategory.INVOKE_PUBLIC_METHODS);
		}
		BindingReflectionHintsRegistrar binding = new BindingReflectionHintsRegistrar();
		for (Method method : type.getMethods()) {
			if (method.getDeclaringClass() != Object.class && !Modifier.isStatic(method.getModifiers())
					&& !method.isBridge()) {
				registerSignature(hints, binding, method);
			}
		}
	}

	private static void registerSignature(RuntimeHints hints, BindingReflectionHintsRegistrar binding, Method method) {
		for (Type parameter : method.getGenericParameterTypes()) {
			binding.registerReflectionHints(hints.reflection(), parameter);
		}
		binding.registerReflectionHints(hints.reflection(), method.getGenericReturnType());
	}

}
