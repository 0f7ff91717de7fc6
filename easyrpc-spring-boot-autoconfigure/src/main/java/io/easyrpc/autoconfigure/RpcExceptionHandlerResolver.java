package io.easyrpc.autoconfigure;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import io.easyrpc.RpcException;
import io.easyrpc.RpcStatus;
import io.easyrpc.annotation.RpcExceptionHandler;
import io.easyrpc.server.RpcExceptionResolver;
import io.easyrpc.server.ServerMethod;

import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.core.ExceptionDepthComparator;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * An {@link RpcExceptionResolver} that calls the application's
 * {@link RpcExceptionHandler @RpcExceptionHandler} methods. The handler whose exception
 * type is closest to the thrown exception's class wins.
 */
class RpcExceptionHandlerResolver implements RpcExceptionResolver, SmartInitializingSingleton {

	private final ConfigurableListableBeanFactory beanFactory;

	private final List<Handler> handlers = new ArrayList<>();

	private final Map<Class<?>, Optional<Handler>> cache = new ConcurrentHashMap<>();

	RpcExceptionHandlerResolver(ConfigurableListableBeanFactory beanFactory) {
		this.beanFactory = beanFactory;
	}

	@Override
	public void afterSingletonsInstantiated() {
		for (String name : this.beanFactory.getBeanDefinitionNames()) {
			Class<?> type = this.beanFactory.getType(name, false);
			if (type == null) {
				continue;
			}
			Class<?> userClass = ClassUtils.getUserClass(type);
			if (!AnnotationUtils.isCandidateClass(userClass, RpcExceptionHandler.class)) {
				continue;
			}
			Map<Method, RpcExceptionHandler> methods = MethodIntrospector.selectMethods(userClass,
					(MethodIntrospector.MetadataLookup<RpcExceptionHandler>) (method) -> AnnotatedElementUtils
						.findMergedAnnotation(method, RpcExceptionHandler.class));
			methods.forEach((method, annotation) -> this.handlers.add(handler(name, method, annotation)));
		}
	}

	@SuppressWarnings("unchecked")
	private static Handler handler(String beanName, Method method, RpcExceptionHandler annotation) {
		String where = method.getDeclaringClass().getName() + "." + method.getName();
		Class<?> returnType = method.getReturnType();
		if (returnType != RpcStatus.class && !RpcException.class.isAssignableFrom(returnType)) {
			throw new IllegalStateException(
					"@RpcExceptionHandler method " + where + " must return RpcStatus or RpcException");
		}
		Class<?>[] parameters = method.getParameterTypes();
		if (parameters.length > 1 || (parameters.length == 1 && !Throwable.class.isAssignableFrom(parameters[0]))) {
			throw new IllegalStateException(
					"@RpcExceptionHandler method " + where + " must take no parameter or the exception only");
		}
		List<Class<? extends Throwable>> types = new ArrayList<>(Arrays.asList(annotation.value()));
		if (types.isEmpty()) {
			if (parameters.length == 0) {
				throw new IllegalStateException("@RpcExceptionHandler method " + where
						+ " must name its exception types or take the exception as parameter");
			}
			types.add((Class<? extends Throwable>) parameters[0]);
		}
		ReflectionUtils.makeAccessible(method);
		return new Handler(beanName, method, types);
	}

	@Override
	public RpcException resolve(Throwable exception, ServerMethod method) {
		Handler handler = this.cache.computeIfAbsent(exception.getClass(), this::find).orElse(null);
		if (handler == null) {
			return null;
		}
		Object bean = this.beanFactory.getBean(handler.beanName());
		Object result;
		try {
			result = (handler.method().getParameterCount() == 1) ? handler.method().invoke(bean, exception)
					: handler.method().invoke(bean);
		}
		catch (InvocationTargetException ex) {
			throw new IllegalStateException("@RpcExceptionHandler " + handler.method() + " failed",
					ex.getTargetException());
		}
		catch (IllegalAccessException ex) {
			throw new IllegalStateException(ex);
		}
		if (result instanceof RpcStatus status) {
			return new RpcException(status, exception.getMessage(), exception.getClass().getName(), null, exception);
		}
		return (RpcException) result;
	}

	private Optional<Handler> find(Class<?> exceptionType) {
		Handler best = null;
		Class<? extends Throwable> bestType = null;
		ExceptionDepthComparator comparator = new ExceptionDepthComparator(exceptionType.asSubclass(Throwable.class));
		for (Handler handler : this.handlers) {
			for (Class<? extends Throwable> type : handler.types()) {
				if (type.isAssignableFrom(exceptionType)
						&& (bestType == null || comparator.compare(type, bestType) < 0)) {
					best = handler;
					bestType = type;
				}
			}
		}
		return Optional.ofNullable(best);
	}

	private record Handler(String beanName, Method method, List<Class<? extends Throwable>> types) {
	}

}
