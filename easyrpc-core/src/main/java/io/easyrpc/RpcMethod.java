package io.easyrpc;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Options of one remote method, on the shared interface, the service implementation or
 * the client interface.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface RpcMethod {

	/**
	 * The method name in the key, instead of the Java method name; needed to serve
	 * overloaded methods.
	 * @return the name
	 */
	String name() default "";

	/**
	 * Whether the method is a notification: the caller sends it and does not wait for a
	 * response. Only for {@code void} methods.
	 * @return whether the call is one-way
	 */
	boolean oneWay() default false;

	/**
	 * Whether the method promises never to block, so the server may run it on the I/O
	 * thread instead of a worker. A method that returns a {@code CompletableFuture} is
	 * not non-blocking by that alone: its body may still block before it returns.
	 * @return whether the method is non-blocking
	 */
	boolean nonBlocking() default false;

	/**
	 * The client's deadline for calls of this method, for example {@code 300ms} or
	 * {@code 2s}, instead of the target's timeout.
	 * @return the timeout, empty for the target's default
	 */
	String timeout() default "";

	/**
	 * The most calls of this method that may run at once on the server; a call over the
	 * limit fails at once with {@code RESOURCE_EXHAUSTED} instead of waiting. {@code 0}
	 * (the default) sets no limit. {@code easyrpc.server.methods.<key>.max-concurrency}
	 * overrides it.
	 * @return the limit, {@code 0} for none
	 */
	int maxConcurrency() default 0;

	/**
	 * Whether the method answers only callers in the same process or on the loopback
	 * interface; callers from other hosts receive {@code PERMISSION_DENIED}.
	 * @return whether the method is local-only
	 */
	boolean localOnly() default false;

	/**
	 * Whether running the method twice with the same arguments does no more harm than
	 * running it once. The client then sends an idempotency key with each call, the same
	 * on every re-send, so that the server runs the call once within its de-duplication
	 * window and hands the outcome to every re-send; the client re-attaches to a call
	 * whose connection was lost and may retry it after a failure (see
	 * {@code io.easyrpc.client.RetryPolicy}). Only for unary methods: the flag is ignored
	 * on notifications and streams.
	 * @return whether the method is idempotent
	 */
	boolean idempotent() default false;

	/**
	 * Whether a client sends the arguments of this method as a map from parameter names
	 * to values instead of an array by position, so that the server matches them by name
	 * (a server accepts both forms for every method). Useful when client and server
	 * declare the parameters in different orders, or when the server is not a Java
	 * interface shared with the client. Only the client reads it.
	 * <p>
	 * The names are the Java parameter names of the client interface method, which the
	 * class file holds only when it was compiled with {@code javac -parameters} (the
	 * Spring Boot parent sets it). Without them there are only names such as
	 * {@code arg0}, and creating the client proxy fails with an
	 * {@link IllegalStateException} naming the method.
	 * @return whether arguments are sent by name
	 */
	boolean namedArguments() default false;

}
