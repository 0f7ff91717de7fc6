package io.easyrpc.benchmark.api;

import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/**
 * The client view of {@link BenchmarkService}: the same methods, asynchronous.
 */
public interface BenchmarkClient {

	/**
	 * Call {@link BenchmarkService#echo(Payload)}.
	 * @param payload the payload
	 * @return the future of the echoed payload
	 */
	CompletableFuture<Payload> echo(Payload payload);

	/**
	 * Call {@link BenchmarkService#echoNonBlocking(Payload)}.
	 * @param payload the payload
	 * @return the future of the echoed payload
	 */
	CompletableFuture<Payload> echoNonBlocking(Payload payload);

	/**
	 * Call {@link BenchmarkService#plusOne(int)}.
	 * @param value the value
	 * @return the future of {@code value + 1}
	 */
	CompletableFuture<Integer> plusOne(int value);

	/**
	 * Call {@link BenchmarkService#work(int)}.
	 * @param millis how long the call holds a permit
	 * @return the future of {@code millis}
	 */
	CompletableFuture<Integer> work(int millis);

	/**
	 * Call {@link BenchmarkService#numbers(int)}.
	 * @param count how many numbers
	 * @return the numbers, read as they arrive; close the stream
	 */
	Stream<Integer> numbers(int count);

}
