package io.easyrpc.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import io.easyrpc.autoconfigure.RpcClientsRegistrar;

import org.springframework.context.annotation.Import;

/**
 * Registers {@link RpcClient} proxies from packages outside the application's
 * auto-configuration packages, or from an explicit list of interfaces.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Import(RpcClientsRegistrar.class)
public @interface EnableRpcClients {

	/**
	 * Packages to scan for {@link RpcClient} interfaces.
	 * @return the packages
	 */
	String[] basePackages() default {};

	/**
	 * Classes whose packages are scanned for {@link RpcClient} interfaces.
	 * @return the classes
	 */
	Class<?>[] basePackageClasses() default {};

	/**
	 * Interfaces to register directly, without scanning. Each still carries
	 * {@link RpcClient} to name the server it calls.
	 * @return the client interfaces
	 */
	Class<?>[] clients() default {};

}
