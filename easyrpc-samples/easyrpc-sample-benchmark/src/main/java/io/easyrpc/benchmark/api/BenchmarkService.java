package io.easyrpc.benchmark.api;

import io.easyrpc.RpcMethod;

/**
 * The served interface: the same echo twice, once on the worker pool and once on the I/O
 * thread.
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

}
