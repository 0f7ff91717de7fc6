package io.easyrpc.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a bean method that maps exceptions thrown by service methods (or by the server
 * around them) to the error the caller receives.
 * <p>
 * The method takes the exception as its only parameter (or no parameter) and returns an
 * {@link io.easyrpc.RpcStatus} (sent with the exception's class name and message) or an
 * {@link io.easyrpc.RpcException} (sent as is). The most specific handler for an
 * exception's class wins. Handlers may sit on any bean, including the {@link RpcService}
 * beans themselves.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface RpcExceptionHandler {

	/**
	 * The exception types handled; defaults to the method's parameter type.
	 * @return the exception types
	 */
	Class<? extends Throwable>[] value() default {};

}
