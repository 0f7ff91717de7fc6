package io.easyrpc.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import io.easyrpc.middleware.RpcMiddleware;

import org.springframework.core.annotation.AliasFor;
import org.springframework.stereotype.Component;

/**
 * Marks a bean whose methods are served remotely. The bean exposes the methods of the
 * interfaces it implements under the key {@code Interface.method} (or its public methods
 * under {@code Class.method} if it implements none). Being a {@link Component}, an
 * annotated class is picked up by component scanning.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Component
public @interface RpcService {

	/**
	 * The bean name, if a specific one is wanted.
	 * @return the bean name
	 */
	@AliasFor(annotation = Component.class)
	String value() default "";

	/**
	 * The service name used in every method key instead of the declaring interface's
	 * simple name.
	 * @return the service name
	 */
	String name() default "";

	/**
	 * The group (namespace) of the service: keys become {@code group/Service.method}.
	 * @return the group
	 */
	String group() default "";

	/**
	 * Middleware for this service's calls alone, run inside the global middleware beans
	 * in the order given. Each type is taken from the application context if it has
	 * exactly one bean of that type; otherwise an instance is created for the service,
	 * with its dependencies injected.
	 * @return the middleware types
	 */
	Class<? extends RpcMiddleware>[] middleware() default {};

}
