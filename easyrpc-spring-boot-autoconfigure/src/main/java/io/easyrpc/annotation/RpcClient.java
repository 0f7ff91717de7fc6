package io.easyrpc.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks an interface whose methods are called remotely. A proxy bean is registered for
 * each annotated interface found in the application's auto-configuration packages (or the
 * packages named by {@link EnableRpcClients}); inject it like any other bean.
 * <p>
 * The server is named either by {@link #target()}, an entry under
 * {@code easyrpc.client.targets}, or directly by {@link #url()}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface RpcClient {

	/**
	 * The name of the target under {@code easyrpc.client.targets} that gives the address
	 * and options.
	 * @return the target name
	 */
	String target() default "";

	/**
	 * The server address, for example {@code tcp://localhost:7070}; placeholders are
	 * resolved. Takes precedence over the target's address.
	 * @return the address
	 */
	String url() default "";

	/**
	 * The service name used in every method key, matching {@link RpcService#name()
	 * RpcService.name} on the server.
	 * @return the service name
	 */
	String service() default "";

	/**
	 * The group of the service, matching {@link RpcService#group() RpcService.group} on
	 * the server.
	 * @return the group
	 */
	String group() default "";

	/**
	 * The bean name of the proxy; defaults to the decapitalized simple name of the
	 * interface.
	 * @return the bean name
	 */
	String beanName() default "";

}
