package io.easyrpc.benchmark.api;

import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import io.easyrpc.RpcMethod;

/**
 * The served interface: the same echo twice, once on the worker pool and once on the I/O
 * thread, and the methods of the overload benchmark.
 */
public interface BenchmarkService {

	/** The service name in the method keys. */
	String NAME = "BenchmarkService";

	/**
	 * Return the payload; runs on the server's worker pool like any plain method.
	 * @param payload the payload
	 * @return the same payload
	 */
	Payload echo(Payload payload);

	/**
	 * Return the payload; declared non-blocking, so it runs on the I/O thread.
	 * @param payload the payload
	 * @return the same payload
	 */
	@RpcMethod(nonBlocking = true)
	Payload echoNonBlocking(Payload payload);

	/**
	 * Return the value plus one, computed on the common pool: the trivial call of the
	 * cold-start measurement.
	 * @param value the value
	 * @return the future of {@code value + 1}
	 */
	CompletableFuture<Integer> plusOne(int value);

	/**
	 * Hold one of a fixed number of permits for the given time, then return: a method of
	 * known capacity ({@code permits / millis} calls per millisecond), whatever the CPU.
	 * Calls beyond the permits wait in the method's own queue.
	 * @param millis how long each call holds a permit
	 * @return {@code millis}
	 */
	CompletableFuture<Integer> work(int millis);

	/**
	 * Stream the numbers from 0: the cold-start measurement of a long server stream.
	 * @param count how many numbers
	 * @return the numbers
	 */
	Stream<Integer> numbers(int count);

}
