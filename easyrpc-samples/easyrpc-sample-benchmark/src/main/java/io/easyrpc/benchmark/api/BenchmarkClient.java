package io.easyrpc.benchmark.api;

import java.util.concurrent.CompletableFuture;

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

}
